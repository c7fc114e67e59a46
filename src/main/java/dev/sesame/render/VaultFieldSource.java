package dev.sesame.render;

import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionedCredential;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Template values from an open vault: each entry's current version, except entries given an
 * override (a rotation renders its pending version as the entry's value). Entries are unsealed
 * on first use and kept for the rest of the render.
 */
public final class VaultFieldSource implements FieldSource {
  private final Vault vault;
  private final Map<String, VersionedCredential> unsealed = new HashMap<>();

  public VaultFieldSource(Vault vault) {
    this(vault, Map.of());
  }

  public VaultFieldSource(Vault vault, Map<String, VersionedCredential> overrides) {
    this.vault = vault;
    this.unsealed.putAll(overrides);
  }

  @Override
  public Optional<String> field(String entry, String field) {
    VersionedCredential version = unsealed.get(entry);
    if (version == null) {
      try {
        version = vault.get(entry, Label.CURRENT);
      } catch (VaultException.NotFound e) {
        return Optional.empty();
      } catch (VaultException e) {
        throw new Unreadable(e);
      }
      unsealed.put(entry, version);
    }
    return Optional.ofNullable(version.allFields().get(field));
  }

  /** An entry exists but cannot be unsealed (tampering): the render must stop, not skip it. */
  public static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(VaultException cause) {
      super(cause.getMessage(), cause);
    }

    public VaultException vaultException() {
      return (VaultException) getCause();
    }
  }
}
