package dev.sesame.cli;

import java.time.Duration;
import java.time.Instant;

/** Human ages for listings: "45s", "3h", "12d". */
final class Ages {
  private Ages() {}

  static String since(Instant then, Instant now) {
    Duration age = Duration.between(then, now);
    if (age.isNegative()) {
      return "0s";
    }
    if (age.toDays() > 0) {
      return age.toDays() + "d";
    }
    if (age.toHours() > 0) {
      return age.toHours() + "h";
    }
    if (age.toMinutes() > 0) {
      return age.toMinutes() + "m";
    }
    return age.toSeconds() + "s";
  }
}
