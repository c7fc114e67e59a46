package dev.sesame.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** HMAC-SHA256 (RFC 2104) and a comparison that does not leak where two MACs differ. */
public final class Hmac {
  /** Length of an HMAC-SHA256 tag. */
  public static final int SHA256_BYTES = 32;

  private Hmac() {}

  /**
   * Computes HMAC-SHA256 of {@code data} under {@code key}.
   *
   * @param key any length, including empty (HMAC hashes long keys and pads short ones)
   * @param data the message; not modified
   * @return a new 32-byte tag
   * @throws NullPointerException if either argument is null
   */
  public static byte[] sha256(byte[] key, byte[] data) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    HMac mac = new HMac(new SHA256Digest());
    KeyParameter keyParameter = new KeyParameter(key);
    try {
      mac.init(keyParameter);
      mac.update(data, 0, data.length);
      byte[] tag = new byte[SHA256_BYTES];
      mac.doFinal(tag, 0);
      return tag;
    } finally {
      // KeyParameter holds its own copy of the key; HMac's pads stay behind in the dead object.
      Wipe.bytes(keyParameter.getKey());
    }
  }

  /**
   * Compares two byte arrays in time that depends only on their lengths, never on where the first
   * difference lies, so a MAC check cannot be used as an oracle to forge a tag byte by byte.
   *
   * @return true only if both are non-null, of equal length and equal content
   */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    if (a == null || b == null || a.length != b.length) {
      return false;
    }
    int difference = 0;
    for (int i = 0; i < a.length; i++) {
      difference |= a[i] ^ b[i];
    }
    return difference == 0;
  }
}
