package dev.sesame.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF with SHA-256 (RFC 5869): derives independent subkeys, e.g. the vault's index MAC key, from
 * one high-entropy key. Use a distinct {@code info} per purpose so subkeys never coincide.
 */
public final class Hkdf {
  /** RFC 5869 section 2.3: at most 255 blocks of the hash's output. */
  public static final int MAX_OUTPUT_BYTES = 255 * 32;

  private Hkdf() {}

  /**
   * Runs HKDF-Extract then HKDF-Expand.
   *
   * @param ikm input keying material; not modified
   * @param salt optional; null or empty means a string of 32 zero bytes (RFC 5869 section 2.2)
   * @param info optional context; null means empty
   * @param outputBytes 1 to {@link #MAX_OUTPUT_BYTES}
   * @return a new array of {@code outputBytes} bytes
   * @throws IllegalArgumentException if {@code outputBytes} is out of range
   * @throws NullPointerException if {@code ikm} is null
   */
  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int outputBytes) {
    Objects.requireNonNull(ikm, "ikm");
    if (outputBytes < 1 || outputBytes > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "HKDF-SHA256 output must be 1.." + MAX_OUTPUT_BYTES + " bytes, not " + outputBytes);
    }
    // Bouncy Castle treats a null salt as zeros but an empty one as an empty HMAC key; both give
    // the same PRK (HMAC pads short keys with zeros), mapping empty to null just says so plainly.
    byte[] effectiveSalt = salt == null || salt.length == 0 ? null : salt;
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, effectiveSalt, info));
    byte[] okm = new byte[outputBytes];
    generator.generateBytes(okm, 0, outputBytes);
    return okm;
  }
}
