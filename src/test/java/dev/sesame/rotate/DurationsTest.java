package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "120s, PT2M",
    "3m, PT3M",
    "12h, PT12H",
    "90d, PT2160H",
    "2w, PT336H",
    "P90D, PT2160H",
    "p90d, PT2160H",
    "PT12H, PT12H",
    "P2W, PT336H",
    "P1DT12H, PT36H",
  })
  void acceptsShortUnitsAndIso8601(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "7", "7 d", "1y", "-3d", "PT-1H", "soup", "wJalrXUtnFEMI/K7MDENG"})
  void refusesAnythingElseWithoutQuotingIt(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a duration: write 90d, 2w, 12h, 30m (minutes)")
        .satisfies(e -> assertThat(text.isEmpty() || !e.getMessage().contains(text)).isTrue());
  }

  @Test
  void monthsAndYearsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> Durations.parse("P3M")).hasMessageContaining("months and years are not fixed durations");
  }

  @ParameterizedTest
  @CsvSource({
    "PT40S, 40s",
    "PT90S, 90s",
    "PT5M, 5m",
    "PT11H, 11h",
    "PT36H, 36h",
    "PT72H, 3d",
    "PT2280H, 95d",
    "PT-5S, 0s",
  })
  void agesArePrintedInTheUnitThatFits(String age, String printed) {
    assertThat(Durations.age(Duration.parse(age))).isEqualTo(printed);
  }
}
