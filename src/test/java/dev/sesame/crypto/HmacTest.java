package dev.sesame.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HmacTest {

  // RFC 4231 test case 2.
  @Test
  void matchesRfc4231TestCase2() {
    byte[] tag = Hmac.sha256("Jefe".getBytes(US_ASCII), "what do ya want for nothing?".getBytes(US_ASCII));
    assertThat(HexFormat.of().formatHex(tag))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void acceptsAnEmptyKeyAndMessage() {
    assertThat(Hmac.sha256(new byte[0], new byte[0])).hasSize(Hmac.SHA256_BYTES);
  }

  @Test
  void constantTimeEqualsComparesContentAndLength() {
    assertThat(Hmac.constantTimeEquals(new byte[] {1, 2, 3}, new byte[] {1, 2, 3})).isTrue();
    assertThat(Hmac.constantTimeEquals(new byte[0], new byte[0])).isTrue();
    assertThat(Hmac.constantTimeEquals(new byte[] {1, 2, 3}, new byte[] {1, 2, 4})).isFalse();
    assertThat(Hmac.constantTimeEquals(new byte[] {1, 2, 3}, new byte[] {1, 2})).isFalse();
    assertThat(Hmac.constantTimeEquals(new byte[] {(byte) 0x80}, new byte[] {0})).isFalse();
  }

  @Test
  void constantTimeEqualsTreatsNullAsUnequal() {
    assertThat(Hmac.constantTimeEquals(null, null)).isFalse();
    assertThat(Hmac.constantTimeEquals(new byte[0], null)).isFalse();
    assertThat(Hmac.constantTimeEquals(null, new byte[0])).isFalse();
  }
}
