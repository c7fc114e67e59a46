package dev.sesame.vault;

import java.nio.charset.StandardCharsets;

/**
 * Which format a wrapped data key belongs to, told by the id it is bound to: a vault's id is 32
 * lower-case hex (docs/vault-format.md), a store value's wrap id starts with {@value #STORE_ID_PREFIX}
 * (docs/runbooks/fleet.md). Each domain has its own associated-data label, HKDF info strings and
 * KMS encryption-context key, so a slot made for one can never open in the other, and a key
 * policy can allow one without the other.
 */
public enum WrapDomain {
  VAULT("sesame-vault/1", "sesame-vault"),
  STORE("sesame-sm/2", "sesame-sm");

  /** The start of every store wrap id; a vault id (hex only) never has it. */
  public static final String STORE_ID_PREFIX = "sm2-";

  private final String label;
  private final String kmsContextKey;

  WrapDomain(String label, String kmsContextKey) {
    this.label = label;
    this.kmsContextKey = kmsContextKey;
  }

  /** The domain of WRAP_ID (a vault id or a store wrap id). */
  public static WrapDomain of(String wrapId) {
    return wrapId.startsWith(STORE_ID_PREFIX) ? STORE : VAULT;
  }

  /** The first associated-data field of a wrapped key ("sesame-vault/1 key-slot"). */
  public String slotLabel() {
    return label + " key-slot";
  }

  /** HKDF info of the key-encryption key a slot of TYPE derives ("sesame-vault/1 key-file kek"). */
  public byte[] kekInfo(String type) {
    return (label + " " + type + " kek").getBytes(StandardCharsets.US_ASCII);
  }

  /** The KMS encryption-context key whose value is the id ("sesame-vault" = vault id). */
  public String kmsContextKey() {
    return kmsContextKey;
  }
}
