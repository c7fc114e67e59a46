package dev.sesame.render;

import dev.sesame.vault.EntryStore;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Template values from an {@link EntryStore} (the vault file or the shared store): each entry's
 * current version, read on first use and kept for the rest of the render (for the store, one
 * GetSecretValue per entry per run).
 */
public final class EntryStoreFieldSource implements FieldSource {
  private final EntryStore store;
  private final Map<String, Map<String, String>> read = new HashMap<>();

  public EntryStoreFieldSource(EntryStore store) {
    this.store = store;
  }

  @Override
  public Optional<String> field(String entry, String field) {
    Map<String, String> fields = read.get(entry);
    if (fields == null) {
      try {
        fields = store.read(entry, Label.CURRENT).allFields();
      } catch (VaultException.NotFound e) {
        return Optional.empty();
      } catch (VaultException e) {
        throw new Unreadable(e);
      }
      read.put(entry, fields);
    }
    return Optional.ofNullable(fields.get(field));
  }

  /** An entry exists but cannot be read or opened (tampering, a refused key): the render stops, not skips it. */
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
