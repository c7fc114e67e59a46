package dev.sesame.rotate;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the CLI contract and the Lambda settings write them (90d, 2w, 24h, 30m, 120s, or
 * ISO-8601 such as P90D and PT12H), and ages printed back in the unit that fits (45s, 11h, 3d).
 */
public final class Durations {
  /** What the parser accepts, for messages and help texts. */
  public static final String FORMS = "90d, 2w, 12h, 30m (minutes), 120s or ISO-8601 like P90D";

  private static final Pattern SHORT = Pattern.compile("([0-9]{1,6})([smhdw])");
  private static final Pattern ISO_WEEKS = Pattern.compile("P([0-9]{1,4})W");

  private Durations() {}

  /**
   * TEXT as a duration; IllegalArgumentException with a one-line reason when it is not one. The
   * reason never quotes TEXT: a mistyped command line may have put a secret there.
   */
  public static Duration parse(String text) {
    Matcher simple = SHORT.matcher(text);
    if (simple.matches()) {
      long amount = Long.parseLong(simple.group(1));
      return switch (simple.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> Duration.ofDays(7 * amount);
      };
    }
    String upper = text.toUpperCase(java.util.Locale.ROOT);
    Matcher weeks = ISO_WEEKS.matcher(upper);
    if (weeks.matches()) {
      return Duration.ofDays(7 * Long.parseLong(weeks.group(1)));
    }
    if (upper.startsWith("P") && upper.length() <= 32) {
      if (upper.matches("P[0-9]+[YM].*")) {
        // A month or a year has no fixed length; java.time's Duration refuses them for the same reason.
        throw new IllegalArgumentException("months and years are not fixed durations: write days, like P90D or 90d");
      }
      try {
        Duration iso = Duration.parse(upper);
        if (!iso.isNegative()) {
          return iso;
        }
      } catch (DateTimeParseException notIso) {
        // reported below
      }
    }
    throw new IllegalArgumentException("not a duration: write " + FORMS);
  }

  /**
   * AGE in the largest unit that still says something: days from two days on, hours from two
   * hours on, then minutes, then seconds ("95d", "36h", "11h", "5m", "40s"). Never negative.
   */
  public static String age(Duration age) {
    if (age.isNegative()) {
      return "0s";
    }
    if (age.toDays() >= 2) {
      return age.toDays() + "d";
    }
    if (age.toHours() >= 2) {
      return age.toHours() + "h";
    }
    if (age.toMinutes() >= 2) {
      return age.toMinutes() + "m";
    }
    return age.toSeconds() + "s";
  }
}
