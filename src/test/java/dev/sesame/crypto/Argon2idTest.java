package dev.sesame.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Argon2idTest {

  // RFC 9106 section 5.3 (Argon2id test vector).
  @Test
  void matchesTheRfc9106Argon2idTestVector() {
    byte[] password = filled(32, 0x01);
    byte[] salt = filled(16, 0x02);
    byte[] secret = filled(8, 0x03);
    byte[] associatedData = filled(12, 0x04);
    byte[] tag = Argon2id.derive(password, salt, secret, associatedData, new Argon2id.Params(32, 3, 4), 32);
    assertThat(HexFormat.of().formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void defaultParametersAreTheDesignFloor() {
    assertThat(Argon2id.DEFAULT).isEqualTo(new Argon2id.Params(64 * 1024, 3, 1));
  }

  @Test
  void defaultParametersDeriveDeterministicallyAndDependOnTheSalt() {
    byte[] passphrase = "correct horse battery staple".getBytes(UTF_8);
    byte[] salt = filled(16, 0x11);
    byte[] otherSalt = filled(16, 0x12);
    byte[] first = Argon2id.derive(passphrase, salt, Argon2id.DEFAULT, 32);
    byte[] second = Argon2id.derive(passphrase, salt, Argon2id.DEFAULT, 32);
    byte[] salted = Argon2id.derive(passphrase, otherSalt, Argon2id.DEFAULT, 32);
    assertThat(first).hasSize(32).isEqualTo(second).isNotEqualTo(salted);
  }

  @Test
  void dependsOnThePassphrase() {
    byte[] salt = filled(16, 0x11);
    Argon2id.Params cheap = new Argon2id.Params(64, 1, 1);
    assertThat(Argon2id.derive("a".getBytes(UTF_8), salt, cheap, 32))
        .isNotEqualTo(Argon2id.derive("b".getBytes(UTF_8), salt, cheap, 32));
  }

  @Test
  void doesNotModifyItsInputs() {
    byte[] passphrase = "pass".getBytes(UTF_8);
    byte[] salt = filled(16, 0x11);
    Argon2id.derive(passphrase, salt, new Argon2id.Params(64, 1, 1), 16);
    assertThat(passphrase).isEqualTo("pass".getBytes(UTF_8));
    assertThat(salt).isEqualTo(filled(16, 0x11));
  }

  @Test
  void paramsRejectValuesOutsideRfc9106() {
    assertThatThrownBy(() -> new Argon2id.Params(7, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(31, 1, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(64, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(64, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(Integer.MAX_VALUE, 1, 1 << 24))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Argon2id.Params(32, 1, 4).memoryKiB()).isEqualTo(32);
  }

  @Test
  void rejectsShortSaltsAndOutputs() {
    Argon2id.Params cheap = new Argon2id.Params(64, 1, 1);
    assertThatThrownBy(() -> Argon2id.derive(new byte[1], new byte[7], cheap, 32))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Argon2id.derive(new byte[1], new byte[8], cheap, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] filled(int length, int value) {
    byte[] array = new byte[length];
    Arrays.fill(array, (byte) value);
    return array;
  }
}
