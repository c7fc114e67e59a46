package dev.sesame.rotate;

import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.EntryLock;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionInfo;
import dev.sesame.vault.VersionedCredential;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rotated entry in the local vault file. Every write is one vault update (lock, re-read,
 * edit, atomic save), so the pending version and the step that produced it land together; the
 * bookkeeping is the entry's MAC-authenticated state map.
 */
public final class VaultStorage implements EntryStorage {
  private final Path vault;
  private final List<KeySource> keys;
  private final Duration lockTimeout;
  private final AuditLog audit;

  public VaultStorage(Path vault, List<KeySource> keys, Duration lockTimeout, Clock clock) {
    this.vault = vault;
    this.keys = List.copyOf(keys);
    this.lockTimeout = lockTimeout;
    this.audit = new AuditLog(vault, clock);
  }

  @Override
  public String describe() {
    return "vault " + vault;
  }

  @Override
  public Snapshot snapshot(String entry) throws VaultException {
    try (Vault opened = Vault.open(vault, keys)) {
      VersionedCredential current = opened.get(entry, Label.CURRENT);
      Optional<VersionedCredential> pending = opened.entry(entry).orElseThrow().labelled(Label.PENDING).isPresent()
          ? Optional.of(opened.get(entry, Label.PENDING)) : Optional.empty();
      return new Snapshot(current, pending, opened.entryState(entry));
    }
  }

  @Override
  public void saveState(String entry, Map<String, String> state) throws VaultException {
    Vault.update(vault, keys, lockTimeout, v -> {
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public void savePending(String entry, Credential pending, String token, Map<String, String> state)
      throws VaultException {
    Vault.update(vault, keys, lockTimeout, v -> {
      v.putPending(entry, pending);
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public void promotePending(String entry, Map<String, String> state) throws VaultException {
    Vault.update(vault, keys, lockTimeout, v -> {
      v.promotePending(entry);
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public void dropPending(String entry, Map<String, String> state) throws VaultException {
    Vault.update(vault, keys, lockTimeout, v -> {
      if (v.entry(entry).orElseThrow().labelled(Label.PENDING).isPresent()) {
        v.dropPending(entry);
      }
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public List<EntryStatus.VersionRow> versions(String entry) throws VaultException {
    List<EntryStatus.VersionRow> rows = new ArrayList<>();
    try (Vault opened = Vault.open(vault, keys)) {
      EntryInfo info = opened.entry(entry).orElseThrow(() -> new VaultException.NotFound("no entry named " + entry));
      for (VersionInfo version : info.versions()) {
        String keyId = opened.get(entry, version.version()).credential().field(Credential.ACCESS_KEY_ID).orElse("");
        rows.add(new EntryStatus.VersionRow(Integer.toString(version.version()), version.labels(),
            version.createdAt(), keyId));
      }
    }
    return rows;
  }

  @Override
  public EntryLock lock(String entry) throws VaultException {
    return EntryLock.tryAcquire(vault, entry);
  }

  @Override
  public AuditLog auditLog() {
    return audit;
  }
}
