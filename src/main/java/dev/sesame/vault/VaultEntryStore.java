package dev.sesame.vault;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Entries in the local vault file. Every write is one vault update (lock, re-read, edit, atomic
 * save), so a rotation's pending version and the step that produced it land together; the
 * rotation bookkeeping is the entry's MAC-authenticated state map. Reads (read, list, labelled,
 * versions) share one opened copy of the vault, unlocked once and opened again after this
 * object's own writes; a rotation's {@link #snapshot} always reads the file afresh.
 */
public final class VaultEntryStore implements EntryStore {
  private final Path vault;
  private final List<KeySource> keys;
  private final Duration lockTimeout;
  private final Clock clock;
  /** Made on first use: a `get` never needs it. */
  private AuditLog audit;
  /** The vault as last opened for reading; null until a read, and after a write through this object. */
  private Vault opened;

  public VaultEntryStore(Path vault, List<KeySource> keys, Duration lockTimeout, Clock clock) {
    this.vault = vault;
    this.keys = List.copyOf(keys);
    this.lockTimeout = lockTimeout;
    this.clock = clock;
  }

  public Path path() {
    return vault;
  }

  /** The vault opened for reading (list's table and key slots read more than the port offers). */
  public Vault opened() throws VaultException {
    if (opened == null) {
      opened = Vault.open(vault, keys);
    }
    return opened;
  }

  /** After a write through this object the next read opens the file again. */
  private void forgetOpened() {
    if (opened != null) {
      opened.close();
      opened = null;
    }
  }

  @Override
  public EntryVersion read(String entry, Label label) throws VaultException {
    return EntryVersion.of(opened().get(entry, label));
  }

  @Override
  public EntryVersion readVersion(String entry, String versionId) throws VaultException {
    int number;
    try {
      number = Integer.parseInt(versionId);
    } catch (NumberFormatException e) {
      throw new VaultException.NotFound("no version " + versionId + " of " + entry + ": vault versions are numbers");
    }
    return EntryVersion.of(opened().get(entry, number));
  }

  @Override
  public List<String> list() throws VaultException {
    return opened().entries().stream().map(EntryInfo::name).sorted().toList();
  }

  @Override
  public String put(String entry, Credential credential) throws VaultException {
    forgetOpened();
    return Integer.toString(Vault.update(vault, keys, lockTimeout, v -> v.put(entry, credential)));
  }

  @Override
  public Labelled labelled(String entry) throws VaultException {
    EntryInfo info = opened().entry(entry).orElseThrow(() -> new VaultException.NotFound("no entry named " + entry));
    List<EntryVersion> versions = new ArrayList<>();
    versions.add(read(entry, Label.CURRENT));
    for (VersionInfo version : info.versions()) {
      if (!version.labels().isEmpty() && !version.labels().contains(Label.CURRENT)) {
        versions.add(EntryVersion.of(opened().get(entry, version.version())));
      }
    }
    return new Labelled(versions, opened().entryState(entry), Optional.empty());
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
    forgetOpened();
    Vault.update(vault, keys, lockTimeout, v -> {
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public void savePending(String entry, Credential pending, String token, Map<String, String> state)
      throws VaultException {
    forgetOpened();
    Vault.update(vault, keys, lockTimeout, v -> {
      v.putPending(entry, pending);
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public void promotePending(String entry, Map<String, String> state) throws VaultException {
    forgetOpened();
    Vault.update(vault, keys, lockTimeout, v -> {
      v.promotePending(entry);
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public void dropPending(String entry, Map<String, String> state) throws VaultException {
    forgetOpened();
    Vault.update(vault, keys, lockTimeout, v -> {
      if (v.entry(entry).orElseThrow().labelled(Label.PENDING).isPresent()) {
        v.dropPending(entry);
      }
      v.setEntryState(entry, state);
      return null;
    });
  }

  @Override
  public List<EntryVersion> versions(String entry) throws VaultException {
    List<EntryVersion> rows = new ArrayList<>();
    EntryInfo info = opened().entry(entry).orElseThrow(() -> new VaultException.NotFound("no entry named " + entry));
    for (VersionInfo version : info.versions()) {
      rows.add(EntryVersion.of(opened().get(entry, version.version())));
    }
    return rows;
  }

  @Override
  public EntryLock lock(String entry) throws VaultException {
    return EntryLock.tryAcquire(vault, entry);
  }

  @Override
  public AuditLog auditLog() {
    if (audit == null) {
      audit = new AuditLog(vault, clock);
    }
    return audit;
  }

  /** Closes the opened copy and wipes the key sources' secrets. */
  @Override
  public void close() {
    forgetOpened();
    keys.forEach(KeySource::destroy);
  }
}
