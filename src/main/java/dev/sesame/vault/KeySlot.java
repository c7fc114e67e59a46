package dev.sesame.vault;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One wrapping of the vault's data key, as stored in the vault file: which kind of key source
 * made it, that source's public parameters (salt, KDF settings, a KMS key id...), and the
 * wrapped data key. Parameters are plain strings so a new key source needs no format change.
 */
public final class KeySlot {
  private final String id;
  private final String type;
  private final Map<String, String> params;
  private final byte[] wrappedKey;

  public KeySlot(String id, String type, Map<String, String> params, byte[] wrappedKey) {
    this.id = Objects.requireNonNull(id);
    this.type = Objects.requireNonNull(type);
    this.params = Collections.unmodifiableMap(new TreeMap<>(params));
    this.wrappedKey = wrappedKey.clone();
  }

  public String id() {
    return id;
  }

  public String type() {
    return type;
  }

  /** Parameters in sorted key order (the order they are written and authenticated in). */
  public Map<String, String> params() {
    return params;
  }

  public String param(String name) throws VaultException.Corrupt {
    String value = params.get(name);
    if (value == null) {
      throw new VaultException.Corrupt("key slot " + id + " lacks parameter " + name);
    }
    return value;
  }

  public byte[] wrappedKey() {
    return wrappedKey.clone();
  }

  /**
   * Associated data binding a wrapped key to this vault (or store value: {@link WrapDomain}), this
   * slot and its parameters.
   */
  byte[] associatedData(String vaultId) {
    Canonical ad = new Canonical().add(WrapDomain.of(vaultId).slotLabel()).add(vaultId).add(id).add(type);
    for (Map.Entry<String, String> param : params.entrySet()) {
      ad.add(param.getKey()).add(param.getValue());
    }
    return ad.toByteArray();
  }

  void appendCanonical(Canonical canonical) {
    canonical.add(id).add(type).add(params.size());
    // Loops, not lambdas, on the `get` path: see VaultDocument#canonicalIndex.
    for (Map.Entry<String, String> param : params.entrySet()) {
      canonical.add(param.getKey()).add(param.getValue());
    }
    canonical.add(wrappedKey);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeySlot that && id.equals(that.id) && type.equals(that.type)
        && params.equals(that.params) && Arrays.equals(wrappedKey, that.wrappedKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, params) * 31 + Arrays.hashCode(wrappedKey);
  }

  @Override
  public String toString() {
    return "KeySlot[" + id + ", " + type + "]";
  }
}
