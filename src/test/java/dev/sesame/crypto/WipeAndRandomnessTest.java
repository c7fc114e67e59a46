package dev.sesame.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WipeAndRandomnessTest {

  @Test
  void wipeZeroesEveryArrayAndSkipsNulls() {
    byte[] a = {1, 2, 3};
    byte[] b = {4};
    Wipe.bytes(a, null, b);
    assertThat(a).containsOnly(0);
    assertThat(b).containsOnly(0);
    char[] c = {'p', 'w'};
    Wipe.chars(c, null);
    assertThat(c).containsOnly('\0');
    Wipe.bytes((byte[][]) null);
    Wipe.chars((char[][]) null);
  }

  @Test
  void randomnessReturnsTheRequestedNumberOfBytes() {
    assertThat(Randomness.bytes(0)).isEmpty();
    assertThat(Randomness.bytes(32)).hasSize(32).isNotEqualTo(new byte[32]);
    assertThat(Randomness.bytes(16)).isNotEqualTo(Randomness.bytes(16));
  }

  @Test
  void randomnessRejectsNegativeCounts() {
    assertThatThrownBy(() -> Randomness.bytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
