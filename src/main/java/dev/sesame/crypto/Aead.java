package dev.sesame.crypto;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Authenticated encryption with associated data: AES-256-GCM with a 96-bit random IV and a
 * 128-bit tag, through Bouncy Castle's lightweight API (the JCA provider costs start-up time).
 *
 * <p>Wire layout of a sealed message: {@code iv (12) || ciphertext (same length as plaintext) ||
 * tag (16)}, so a sealed message is always {@code plaintext.length + 28} bytes.
 *
 * <p>The associated data is authenticated but neither encrypted nor stored: decryption must be
 * given exactly the bytes given to encryption, or it fails. Callers bind a ciphertext to its
 * context (vault id, entry name, version) this way, so a ciphertext moved elsewhere fails.
 * {@code null} associated data means empty.
 *
 * <p>Every encryption draws a fresh random IV. With random 96-bit IVs, NIST SP 800-38D limits one
 * key to 2^32 encryptions; a vault seals orders of magnitude fewer.
 *
 * <p>Instances are thread-safe until {@link #destroy()}; after it, every call throws
 * {@link IllegalStateException}.
 */
public final class Aead {
  public static final int KEY_BYTES = 32;
  public static final int IV_BYTES = 12;
  public static final int TAG_BYTES = 16;

  private static final byte[] EMPTY = new byte[0];

  // The only copy of the key this class makes; destroy() wipes it in place.
  private final KeyParameter key;
  private volatile boolean destroyed;

  private Aead(byte[] key) {
    this.key = new KeyParameter(key);
  }

  /**
   * Creates an AEAD for a 256-bit key. The key is copied: the caller may (and should) wipe its
   * own array afterwards.
   *
   * @throws IllegalArgumentException unless {@code key} is exactly {@link #KEY_BYTES} long
   */
  public static Aead create(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "AES-256-GCM needs a " + KEY_BYTES + "-byte key, got " + key.length + " bytes");
    }
    return new Aead(key);
  }

  /**
   * Encrypts and authenticates {@code plaintext}, and authenticates {@code associatedData}.
   *
   * @return a new array {@code iv || ciphertext || tag}
   */
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    return encryptWithIv(Randomness.bytes(IV_BYTES), plaintext, associatedData);
  }

  /**
   * Encrypts with a caller-chosen IV. Package-private for known-answer tests only: reusing an IV
   * under one key breaks GCM completely, which is why {@link #encrypt} never lets callers choose.
   */
  byte[] encryptWithIv(byte[] iv, byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(iv, "iv");
    Objects.requireNonNull(plaintext, "plaintext");
    if (iv.length != IV_BYTES) {
      throw new IllegalArgumentException("IV must be " + IV_BYTES + " bytes, got " + iv.length);
    }
    GCMModeCipher cipher = newCipher(true, iv, associatedData);
    byte[] sealed = new byte[IV_BYTES + plaintext.length + TAG_BYTES];
    System.arraycopy(iv, 0, sealed, 0, IV_BYTES);
    int written = cipher.processBytes(plaintext, 0, plaintext.length, sealed, IV_BYTES);
    try {
      cipher.doFinal(sealed, IV_BYTES + written);
    } catch (InvalidCipherTextException e) {
      // Encryption never checks a tag; reaching this is a bug in this class, not bad input.
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return sealed;
  }

  /**
   * Verifies and decrypts a message made by {@link #encrypt}.
   *
   * <p>Bouncy Castle's GCM streams plaintext out before it has checked the tag, so the output is
   * kept in a private buffer that is wiped, never returned, when the check fails.
   *
   * @return the plaintext, only if the tag verifies for this key and {@code associatedData}
   * @throws AEADBadTagException if the message, its IV, its tag, the key or the associated data
   *     differ from what was sealed
   * @throws GeneralSecurityException if {@code sealed} is shorter than an IV plus a tag
   */
  public byte[] decrypt(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
    Objects.requireNonNull(sealed, "sealed");
    if (sealed.length < IV_BYTES + TAG_BYTES) {
      throw new GeneralSecurityException(
          "sealed message too short: " + sealed.length + " bytes, need at least "
              + (IV_BYTES + TAG_BYTES));
    }
    byte[] iv = new byte[IV_BYTES];
    System.arraycopy(sealed, 0, iv, 0, IV_BYTES);
    GCMModeCipher cipher = newCipher(false, iv, associatedData);
    int bodyLength = sealed.length - IV_BYTES;
    byte[] plaintext = new byte[bodyLength - TAG_BYTES];
    // GCM holds back the last TAG_BYTES of input, so the output never exceeds the plaintext size.
    int written = cipher.processBytes(sealed, IV_BYTES, bodyLength, plaintext, 0);
    try {
      cipher.doFinal(plaintext, written);
    } catch (InvalidCipherTextException e) {
      Wipe.bytes(plaintext);
      throw new AEADBadTagException("authentication failed: wrong key, associated data or message");
    }
    return plaintext;
  }

  /**
   * Wipes this instance's copy of the key; the instance is unusable afterwards. Idempotent. Call it
   * only once no other thread is still encrypting or decrypting with this instance: a call racing
   * with it could run with a partly wiped key.
   */
  public void destroy() {
    destroyed = true;
    Wipe.bytes(key.getKey());
  }

  private GCMModeCipher newCipher(boolean forEncryption, byte[] iv, byte[] associatedData) {
    if (destroyed) {
      throw new IllegalStateException("this Aead has been destroyed");
    }
    // A fresh cipher per call keeps instances thread-safe; AES key expansion is cheap.
    GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
    cipher.init(
        forEncryption,
        new AEADParameters(key, TAG_BYTES * 8, iv, associatedData == null ? EMPTY : associatedData));
    return cipher;
  }
}
