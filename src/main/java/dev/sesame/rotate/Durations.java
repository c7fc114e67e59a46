package dev.sesame.rotate;

import java.time.Duration;

/** Durations as the CLI contract and the Lambda settings write them: 90d, 24h, 30m, 120s. */
public final class Durations {
  private Durations() {}

  /** TEXT as a duration; IllegalArgumentException with a one-line reason when it is not one. */
  public static Duration parse(String text) {
    if (!text.matches("[0-9]{1,6}[smhd]")) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 90d, 24h, 30m or 120s");
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** DURATION in the same words, in its largest whole unit: 24h, 90d, 30m, 1s (not "0h"). */
  public static String format(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
