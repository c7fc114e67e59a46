package dev.sesame.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class AeadTest {
  private static final byte[] KEY = HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] AAD = "vault-id|entry|7".getBytes(UTF_8);

  private final Aead aead = Aead.create(KEY);

  @Test
  void roundTripsEveryPlaintextSizeFrom0To100() throws Exception {
    for (int size = 0; size <= 100; size++) {
      byte[] plaintext = Randomness.bytes(size);
      byte[] sealed = aead.encrypt(plaintext, AAD);
      assertThat(sealed).hasSize(Aead.IV_BYTES + size + Aead.TAG_BYTES);
      assertThat(aead.decrypt(sealed, AAD)).as("size %d", size).isEqualTo(plaintext);
    }
  }

  @Test
  void roundTripsLargePlaintexts() throws Exception {
    for (int size : new int[] {4095, 65_536 + 3, 1 << 20}) {
      byte[] plaintext = Randomness.bytes(size);
      assertThat(aead.decrypt(aead.encrypt(plaintext, AAD), AAD)).isEqualTo(plaintext);
    }
  }

  @Test
  void nullAssociatedDataMeansEmpty() throws Exception {
    byte[] plaintext = "secret".getBytes(UTF_8);
    assertThat(aead.decrypt(aead.encrypt(plaintext, null), new byte[0])).isEqualTo(plaintext);
    assertThat(aead.decrypt(aead.encrypt(plaintext, new byte[0]), null)).isEqualTo(plaintext);
  }

  @Test
  void flippingAnyByteOfTheSealedMessageFailsAuthentication() {
    byte[] sealed = aead.encrypt("smtp password".getBytes(UTF_8), AAD);
    for (int i = 0; i < sealed.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = sealed.clone();
        tampered[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> aead.decrypt(tampered, AAD)).as("byte %d bit %d", i, bit)
            .isInstanceOf(AEADBadTagException.class);
      }
    }
  }

  @Test
  void flippingAnyByteOfTheAssociatedDataFailsAuthentication() {
    byte[] sealed = aead.encrypt("smtp password".getBytes(UTF_8), AAD);
    for (int i = 0; i < AAD.length; i++) {
      byte[] otherAad = AAD.clone();
      otherAad[i] ^= 0x01;
      assertThatThrownBy(() -> aead.decrypt(sealed, otherAad)).as("aad byte %d", i)
          .isInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void longerOrShorterAssociatedDataFailsAuthentication() {
    byte[] sealed = aead.encrypt(new byte[10], AAD);
    assertThatThrownBy(() -> aead.decrypt(sealed, Arrays.copyOf(AAD, AAD.length + 1)))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> aead.decrypt(sealed, Arrays.copyOf(AAD, AAD.length - 1)))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> aead.decrypt(sealed, null)).isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void inputShorterThanIvPlusTagIsRejected() {
    for (int length = 0; length < Aead.IV_BYTES + Aead.TAG_BYTES; length++) {
      byte[] tooShort = new byte[length];
      assertThatThrownBy(() -> aead.decrypt(tooShort, AAD)).as("length %d", length)
          .isInstanceOf(GeneralSecurityException.class);
    }
  }

  @Test
  void everyTruncationOfAValidMessageIsRejected() {
    byte[] sealed = aead.encrypt("smtp password".getBytes(UTF_8), AAD);
    for (int length = 0; length < sealed.length; length++) {
      byte[] truncated = Arrays.copyOf(sealed, length);
      assertThatThrownBy(() -> aead.decrypt(truncated, AAD)).as("length %d", length)
          .isInstanceOf(GeneralSecurityException.class);
    }
  }

  @Test
  void wrongKeyFailsAuthentication() {
    byte[] sealed = aead.encrypt("smtp password".getBytes(UTF_8), AAD);
    byte[] otherKey = KEY.clone();
    otherKey[31] ^= 0x01;
    assertThatThrownBy(() -> Aead.create(otherKey).decrypt(sealed, AAD))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void everyEncryptionDrawsAFreshIv() {
    int encryptions = 10_000;
    Set<ByteBuffer> ivs = new HashSet<>();
    byte[] plaintext = new byte[1];
    for (int i = 0; i < encryptions; i++) {
      ivs.add(ByteBuffer.wrap(Arrays.copyOf(aead.encrypt(plaintext, AAD), Aead.IV_BYTES)));
    }
    assertThat(ivs).hasSize(encryptions);
  }

  @Test
  void sameInputsEncryptToDifferentCiphertexts() {
    byte[] plaintext = "same".getBytes(UTF_8);
    assertThat(aead.encrypt(plaintext, AAD)).isNotEqualTo(aead.encrypt(plaintext, AAD));
  }

  @Test
  void rejectsKeysThatAreNot32Bytes() {
    for (int length : new int[] {0, 16, 24, 31, 33, 64}) {
      assertThatThrownBy(() -> Aead.create(new byte[length])).as("length %d", length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("32");
    }
  }

  @Test
  void copiesTheKeySoTheCallerMayWipeItsOwn() throws Exception {
    byte[] callersKey = KEY.clone();
    Aead copy = Aead.create(callersKey);
    byte[] sealed = copy.encrypt(new byte[] {42}, AAD);
    Wipe.bytes(callersKey);
    assertThat(copy.decrypt(sealed, AAD)).containsExactly(42);
    assertThat(aead.decrypt(sealed, AAD)).containsExactly(42);
  }

  @Test
  void destroyedInstanceRefusesToWork() {
    Aead doomed = Aead.create(KEY);
    byte[] sealed = doomed.encrypt(new byte[] {1}, AAD);
    doomed.destroy();
    doomed.destroy();
    assertThatThrownBy(() -> doomed.encrypt(new byte[] {1}, AAD)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> doomed.decrypt(sealed, AAD)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void encryptWithIvRejectsOtherIvSizes() {
    assertThatThrownBy(() -> aead.encryptWithIv(new byte[16], new byte[1], AAD))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14: these run
  // even where the Wycheproof folder is absent.
  @Test
  void knownAnswerWithZeroKeyAndEmptyPlaintext() throws Exception {
    Aead zero = Aead.create(new byte[32]);
    byte[] sealed = zero.encryptWithIv(new byte[12], new byte[0], null);
    assertThat(HexFormat.of().formatHex(sealed))
        .isEqualTo("000000000000000000000000" + "530f8afbc74536b9a963b4f1c4cb738b");
    assertThat(zero.decrypt(sealed, null)).isEmpty();
  }

  @Test
  void knownAnswerWithZeroKeyAndOneZeroBlock() throws Exception {
    Aead zero = Aead.create(new byte[32]);
    byte[] sealed = zero.encryptWithIv(new byte[12], new byte[16], null);
    assertThat(HexFormat.of().formatHex(sealed)).isEqualTo("000000000000000000000000"
        + "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
    assertThat(zero.decrypt(sealed, null)).isEqualTo(new byte[16]);
  }
}
