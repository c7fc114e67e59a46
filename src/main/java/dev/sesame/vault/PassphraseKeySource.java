package dev.sesame.vault;

import dev.sesame.crypto.Argon2id;
import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Wipe;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A passphrase stretched with Argon2id into the key that wraps the data key. Salt and cost
 * parameters are stored in the slot, so stronger defaults later do not break old vaults.
 */
public final class PassphraseKeySource implements KeySource {
  public static final String TYPE = "passphrase";
  static final int SALT_BYTES = 16;
  /** The weakest parameters a vault will be opened with: anything less is likely tampering. */
  public static final int MIN_MEMORY_KIB = 8 * 1024;
  /**
   * The dearest parameters a vault will be opened with, checked before any derivation: a slot
   * edited to ask for more would make one `get` take minutes and gigabytes (m = 4 GiB ran 49 s
   * at 5.4 GB before failing). 1 GiB, 16 passes and 8 lanes are far above the defaults (64 MiB,
   * 3, 1) and RFC 9106's first recommendation (2 GiB is its only larger one).
   */
  public static final int MAX_MEMORY_KIB = 1024 * 1024;
  public static final int MAX_ITERATIONS = 16;
  public static final int MAX_PARALLELISM = 8;

  private final byte[] passphraseUtf8;
  private final Argon2id.Params paramsForNewSlots;

  private PassphraseKeySource(byte[] passphraseUtf8, Argon2id.Params paramsForNewSlots) {
    this.passphraseUtf8 = passphraseUtf8;
    this.paramsForNewSlots = paramsForNewSlots;
  }

  /** Takes ownership of PASSPHRASE_UTF8 (the caller must not wipe it while this source is used). */
  public static PassphraseKeySource of(byte[] passphraseUtf8, Argon2id.Params paramsForNewSlots) {
    if (passphraseUtf8.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty");
    }
    if (!withinCaps(paramsForNewSlots)) {
      throw new IllegalArgumentException("Argon2id cost must be m " + MIN_MEMORY_KIB / 1024 + ".."
          + MAX_MEMORY_KIB / 1024 + " MiB, t 1.." + MAX_ITERATIONS + ", p 1.." + MAX_PARALLELISM);
    }
    return new PassphraseKeySource(passphraseUtf8, paramsForNewSlots);
  }

  public static PassphraseKeySource of(byte[] passphraseUtf8) {
    return of(passphraseUtf8, Argon2id.DEFAULT);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String describe() {
    return "passphrase";
  }

  @Override
  public KeySlot wrap(String vaultId, byte[] dataKey) {
    return wrap(vaultId, dataKey, paramsForNewSlots);
  }

  @Override
  public KeySlot rewrap(String vaultId, KeySlot slot, byte[] dataKey) throws VaultException {
    return wrap(vaultId, dataKey, storedParams(slot));
  }

  private KeySlot wrap(String vaultId, byte[] dataKey, Argon2id.Params paramsForNewSlots) {
    byte[] salt = Randomness.bytes(SALT_BYTES);
    Map<String, String> params = new TreeMap<>();
    params.put("kdf", "argon2id");
    params.put("m", Integer.toString(paramsForNewSlots.memoryKiB()));
    params.put("t", Integer.toString(paramsForNewSlots.iterations()));
    params.put("p", Integer.toString(paramsForNewSlots.parallelism()));
    params.put("salt", Base64.getEncoder().encodeToString(salt));
    byte[] kek = Argon2id.derive(passphraseUtf8, salt, paramsForNewSlots, 32);
    try {
      return SlotCipher.wrap(kek, vaultId, TYPE, params, dataKey);
    } finally {
      Wipe.bytes(kek);
    }
  }

  @Override
  public Optional<byte[]> unwrap(String vaultId, KeySlot slot) throws VaultException {
    if (!"argon2id".equals(slot.param("kdf"))) {
      throw new VaultException.Corrupt("key slot " + slot.id() + " names an unknown KDF");
    }
    Argon2id.Params params = storedParams(slot);
    byte[] salt = Codec.base64(slot.param("salt"), "salt of key slot " + slot.id());
    if (salt.length != SALT_BYTES) {
      throw new VaultException.Corrupt("vault file is damaged: the salt of key slot " + slot.id()
          + " is not " + SALT_BYTES + " bytes");
    }
    byte[] kek = Argon2id.derive(passphraseUtf8, salt, params, 32);
    try {
      return SlotCipher.unwrap(kek, vaultId, slot);
    } finally {
      Wipe.bytes(kek);
    }
  }

  /**
   * The Argon2id parameters a slot was made with; values below the floor or above the caps are
   * tampering (a vault Sesame wrote never holds them), refused before anything is derived.
   */
  public static Argon2id.Params storedParams(KeySlot slot) throws VaultException.Corrupt {
    int memoryKiB = Codec.boundedInt(slot.param("m"), MIN_MEMORY_KIB, MAX_MEMORY_KIB, "Argon2id memory");
    int iterations = Codec.boundedInt(slot.param("t"), 1, MAX_ITERATIONS, "Argon2id iterations");
    int parallelism = Codec.boundedInt(slot.param("p"), 1, MAX_PARALLELISM, "Argon2id parallelism");
    return new Argon2id.Params(memoryKiB, iterations, parallelism);
  }

  /** True when PARAMS lie between the floor and the caps a vault will be opened with. */
  public static boolean withinCaps(Argon2id.Params params) {
    return params.memoryKiB() >= MIN_MEMORY_KIB && params.memoryKiB() <= MAX_MEMORY_KIB
        && params.iterations() <= MAX_ITERATIONS && params.parallelism() <= MAX_PARALLELISM;
  }

  /** Wipes the passphrase; the source is unusable afterwards. */
  public void destroy() {
    Wipe.bytes(passphraseUtf8);
  }
}
