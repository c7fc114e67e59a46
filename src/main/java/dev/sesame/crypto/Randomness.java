package dev.sesame.crypto;

import java.security.SecureRandom;

/**
 * The one source of randomness for keys, salts and IVs.
 *
 * <p>Uses the platform's default {@link SecureRandom} (on Linux: NativePRNG reading
 * {@code /dev/urandom}), which never blocks once the kernel pool is seeded. {@code getInstanceStrong()}
 * is avoided on purpose: it may block on {@code /dev/random} and stall a CLI call for no security
 * gain. {@code SecureRandom} is thread-safe, so one shared instance suffices.
 */
public final class Randomness {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Randomness() {}

  /**
   * Returns {@code n} fresh random bytes.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public static byte[] bytes(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("byte count must not be negative: " + n);
    }
    byte[] out = new byte[n];
    RANDOM.nextBytes(out);
    return out;
  }
}
