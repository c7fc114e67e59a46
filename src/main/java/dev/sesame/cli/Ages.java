package dev.sesame.cli;

import dev.sesame.rotate.Durations;
import java.time.Duration;
import java.time.Instant;

/** Human ages for listings, in the unit that fits: "45s", "11h", "12d". */
final class Ages {
  private Ages() {}

  static String since(Instant then, Instant now) {
    return Durations.age(Duration.between(then, now));
  }
}
