package dev.sesame.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written created_at codec agrees exactly with Instant.toString() and Instant.parse. */
class TimestampsTest {
  private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Test
  void formatsAndParsesLikeTheJdkAcrossYears0000To9999() {
    SplittableRandom random = new SplittableRandom(20261125);
    int[] nanos = {0, 1, 999_999_999, 1_000, 1_000_000, 100_000_000, 120_000_000, 123_456_000, 123_456_789};
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(FIRST, LAST + 1);
      int nano = i % 2 == 0 ? nanos[random.nextInt(nanos.length)] : random.nextInt(1_000_000_000);
      Instant instant = Instant.ofEpochSecond(second, nano);
      String jdk = instant.toString();
      assertThat(Timestamps.format(instant)).isEqualTo(jdk);
      assertThat(Timestamps.parseCanonical(jdk)).as(jdk).isEqualTo(instant);
    }
  }

  @Test
  void edgesOfTheRangeAndBeyondGoThroughTheJdk() {
    for (String text : List.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
        "2024-02-29T12:00:00Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z")) {
      Instant instant = Instant.parse(text);
      assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
    }
    assertThat(Timestamps.parseCanonical("0000-01-01T00:00:00Z")).isEqualTo(Instant.parse("0000-01-01T00:00:00Z"));
    assertThat(Timestamps.parseCanonical("+10000-01-01T00:00:00Z")).isNull();
    assertThat(Timestamps.parseCanonical("-0001-12-31T23:59:59Z")).isNull();
  }

  @Test
  void acceptsOnlyWhatTheJdkParsesAndPrintsTheSameWay() {
    for (String text : List.of("2026-11-25T19:19:10Z", "2026-11-25T19:19:10.5Z", "2026-11-25T19:19:10.500Z",
        "2026-11-25T19:19:10.000Z", "2026-11-25T19:19:10.100000Z", "2026-11-25T19:19:10.123000Z",
        "2026-11-25T19:19:10.123456000Z", "2026-11-25T19:19:10.000000001Z", "2026-11-25T19:19Z",
        "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T23:60:00Z",
        "2026-12-31T23:59:60Z", "2026-11-25t19:19:10Z", "2026-11-25T19:19:10z", "2026-11-25 19:19:10Z",
        "2026-11-25T19:19:10+00:00", "2026-11-25T19:19:10.1234Z", "2026-11-25T19:19:1OZ", "2026-11-25T19:19:10.12-Z",
        "２026-11-25T19:19:10Z", " 2026-11-25T19:19:10Z", "+2026-11-25T19:19:10Z", "")) {
      Instant fast = Timestamps.parseCanonical(text);
      Instant jdk = canonicalByJdk(text);
      assertThat(fast).as("'%s'", text).isEqualTo(jdk);
    }
  }

  /** What VaultCodec accepted before: Instant.parse, and only if it prints back identically. */
  private static Instant canonicalByJdk(String text) {
    try {
      Instant instant = Instant.parse(text);
      return instant.toString().equals(text) ? instant : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
