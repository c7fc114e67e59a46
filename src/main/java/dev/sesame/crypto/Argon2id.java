package dev.sesame.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, version 0x13): turns a passphrase into a key at a cost that slows
 * guessing. The parameters are stored beside the salt in the vault so they can be raised later
 * without breaking old vaults.
 */
public final class Argon2id {
  /** RFC 9106 section 3.1: salts shorter than 8 bytes are not allowed. */
  public static final int MIN_SALT_BYTES = 8;
  /** RFC 9106 section 3.1: tags shorter than 4 bytes are not allowed. */
  public static final int MIN_OUTPUT_BYTES = 4;

  /**
   * Cost parameters.
   *
   * @param memoryKiB memory in KiB; Argon2 needs at least 8 KiB per lane
   * @param iterations passes over memory, at least 1
   * @param parallelism lanes, 1 to 2^24-1
   */
  public record Params(int memoryKiB, int iterations, int parallelism) {
    /** @throws IllegalArgumentException if any bound of RFC 9106 section 3.1 is broken */
    public Params {
      if (parallelism < 1 || parallelism > 0xFFFFFF) {
        throw new IllegalArgumentException("Argon2 parallelism must be 1..2^24-1, not " + parallelism);
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("Argon2 iterations must be at least 1, not " + iterations);
      }
      // Long arithmetic: 8 * parallelism overflows int for the largest legal lane counts.
      if (memoryKiB < 8L * parallelism) {
        throw new IllegalArgumentException(
            "Argon2 memory must be at least 8 KiB per lane (" + 8L * parallelism + " KiB), not "
                + memoryKiB);
      }
    }
  }

  /** m = 64 MiB, t = 3, p = 1: the floor design.md section 2 sets for passphrase key sources. */
  public static final Params DEFAULT = new Params(65536, 3, 1);

  private Argon2id() {}

  /**
   * Derives {@code outputBytes} bytes from a passphrase.
   *
   * @param passphraseUtf8 the passphrase encoded as UTF-8; not modified, the caller wipes it
   * @param salt random, at least {@link #MIN_SALT_BYTES} bytes
   * @param params cost parameters
   * @param outputBytes at least {@link #MIN_OUTPUT_BYTES}
   * @return a new array of {@code outputBytes} bytes
   * @throws IllegalArgumentException if the salt or output length is too short
   */
  public static byte[] derive(byte[] passphraseUtf8, byte[] salt, Params params, int outputBytes) {
    return derive(passphraseUtf8, salt, null, null, params, outputBytes);
  }

  /**
   * Full RFC 9106 form with the optional secret (K) and associated data (X). Package-private:
   * Sesame itself has no use for them, but the RFC's test vector does.
   */
  static byte[] derive(
      byte[] passphraseUtf8,
      byte[] salt,
      byte[] secret,
      byte[] associatedData,
      Params params,
      int outputBytes) {
    Objects.requireNonNull(passphraseUtf8, "passphraseUtf8");
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(params, "params");
    if (salt.length < MIN_SALT_BYTES) {
      throw new IllegalArgumentException(
          "Argon2 salt must be at least " + MIN_SALT_BYTES + " bytes, got " + salt.length);
    }
    if (outputBytes < MIN_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "Argon2 output must be at least " + MIN_OUTPUT_BYTES + " bytes, not " + outputBytes);
    }
    Argon2Parameters.Builder builder =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(params.memoryKiB())
            .withIterations(params.iterations())
            .withParallelism(params.parallelism())
            .withSalt(salt);
    if (secret != null) {
      builder.withSecret(secret);
    }
    if (associatedData != null) {
      builder.withAdditional(associatedData);
    }
    Argon2Parameters argon2Parameters = builder.build();
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(argon2Parameters);
      byte[] out = new byte[outputBytes];
      generator.generateBytes(passphraseUtf8, out);
      return out;
    } finally {
      // The parameters hold copies of the salt and the optional secret.
      argon2Parameters.clear();
    }
  }
}
