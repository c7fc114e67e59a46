package dev.sesame.vault;

import java.util.Optional;

/**
 * Something that can wrap and unwrap the vault's data key: a passphrase, a key file, and (in later
 * releases) an AWS KMS key or key material in Secrets Manager. The vault only ever sees
 * {@link KeySlot}s and this interface, so a new source needs no vault code change.
 */
public interface KeySource {
  /** The slot type this source makes and opens, as written in the file ("passphrase", ...). */
  String type();

  /** Words for messages, naming the source but never its secret ("key file /etc/sesame/key"). */
  String describe();

  /** Wraps DATA_KEY into a new slot of this vault. */
  KeySlot wrap(String vaultId, byte[] dataKey) throws VaultException;

  /**
   * Wraps a new DATA_KEY for a slot this source opens (rekey), keeping that slot's settings
   * where they matter: a passphrase slot keeps its Argon2id cost rather than the defaults.
   */
  default KeySlot rewrap(String vaultId, KeySlot slot, byte[] dataKey) throws VaultException {
    return wrap(vaultId, dataKey);
  }

  /**
   * Unwraps the data key from SLOT (of this source's type), or returns empty when this source
   * is not the one that slot was made with (a wrong passphrase, another key file).
   */
  Optional<byte[]> unwrap(String vaultId, KeySlot slot) throws VaultException;

  /** Wipes whatever secret this source holds (key file bytes, passphrase, fetched material). */
  default void destroy() {}
}
