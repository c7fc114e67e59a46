package dev.sesame.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 5869 appendix A.1.
  @Test
  void matchesRfc5869TestCase1() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, salt, info, 42))).isEqualTo(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  // RFC 5869 appendix A.3: zero-length salt and info.
  @Test
  void matchesRfc5869TestCase3WithEmptyOrNullSalt() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    String okm = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, new byte[0], new byte[0], 42))).isEqualTo(okm);
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, null, null, 42))).isEqualTo(okm);
  }

  @Test
  void differentInfoGivesUnrelatedKeys() {
    byte[] ikm = Randomness.bytes(32);
    assertThat(Hkdf.sha256(ikm, null, "index-mac".getBytes(), 32))
        .isNotEqualTo(Hkdf.sha256(ikm, null, "other".getBytes(), 32));
  }

  @Test
  void rejectsOutputSizesOutsideRfc5869() {
    byte[] ikm = new byte[32];
    assertThatThrownBy(() -> Hkdf.sha256(ikm, null, null, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hkdf.sha256(ikm, null, null, 255 * 32 + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Hkdf.sha256(ikm, null, null, 255 * 32)).hasSize(255 * 32);
  }
}
