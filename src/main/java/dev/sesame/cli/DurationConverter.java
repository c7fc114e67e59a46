package dev.sesame.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations written as the CLI contract shows them: 90d, 24h, 30m, 120s. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    if (!text.matches("[0-9]{1,6}[smhd]")) {
      throw new TypeConversionException("'" + text + "' is not a duration like 90d, 24h, 30m or 120s");
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
