package dev.sesame.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;

/** SHA-256 of a byte string (for hash-chaining audit records, not for keys). */
public final class Sha256 {
  public static final int BYTES = 32;

  private Sha256() {}

  public static byte[] hash(byte[] data) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[BYTES];
    digest.doFinal(out, 0);
    return out;
  }
}
