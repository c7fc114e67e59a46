package dev.sesame.vault;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The clear part of a vault file (docs/vault-format.md), read without a key: the key slots with
 * their public parameters, and each entry's versions, labels, creation times and state map. It
 * is parsed by the vault's own strict reader ({@link VaultCodec}), so a file this accepts is one
 * {@link Vault#open} would parse too; but without the key the index MAC cannot be checked, so
 * nothing here is authenticated. Callers use it to judge a vault they cannot (or need not) open
 * (`doctor`, `metrics`) and to choose which key sources are worth loading; anything that must be
 * trusted is read through {@link Vault#open}.
 */
public final class VaultIndex {
  private final List<KeySlot> slots;
  private final List<Entry> entries;

  /** One version of an entry as the index records it; its sealed body is not read. */
  public record Version(int version, EntryType type, Instant createdAt, Set<Label> labels) {
    public Version {
      labels = labels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(labels));
    }
  }

  /** An entry: its versions, oldest first, and the state map the rotation keeps (absent = empty). */
  public record Entry(String name, List<Version> versions, Map<String, String> state) {
    public Entry {
      versions = List.copyOf(versions);
      state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
    }

    /** The version holding LABEL, if any (a label is on at most one version). */
    public Optional<Version> labelled(Label label) {
      for (Version version : versions) {
        if (version.labels().contains(label)) {
          return Optional.of(version);
        }
      }
      return Optional.empty();
    }
  }

  private VaultIndex(List<KeySlot> slots, List<Entry> entries) {
    this.slots = List.copyOf(slots);
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads the index of the vault at PATH (its real path, as {@link Vault#open} does).
   *
   * @throws VaultException.NotFound when there is no file
   * @throws VaultException.Corrupt when it is not a vault in canonical form
   * @throws VaultException when it cannot be read (not a regular file, an I/O error)
   */
  public static VaultIndex read(Path path) throws VaultException {
    return of(VaultCodec.read(VaultFiles.read(VaultPaths.real(path))));
  }

  static VaultIndex of(VaultDocument doc) {
    List<Entry> entries = new ArrayList<>();
    // Loops, not lambdas: this runs before a KMS unlock (see VaultDocument#canonicalIndex).
    for (Map.Entry<String, List<StoredVersion>> entry : doc.entries.entrySet()) {
      List<Version> versions = new ArrayList<>();
      for (StoredVersion stored : entry.getValue()) {
        versions.add(new Version(stored.version(), stored.type(), stored.createdAt(), stored.labels()));
      }
      Map<String, String> state = doc.states.get(entry.getKey());
      entries.add(new Entry(entry.getKey(), versions, state == null ? Map.of() : state));
    }
    return new VaultIndex(doc.slots, entries);
  }

  /** The key slots in file order; their wrapped keys are ciphertext. */
  public List<KeySlot> slots() {
    return slots;
  }

  /** The slot types the file names ("passphrase", "keyfile", "aws-kms", ...), sorted. */
  public Set<String> slotTypes() {
    Set<String> types = new TreeSet<>();
    for (KeySlot slot : slots) {
      types.add(slot.type());
    }
    return types;
  }

  /** The entries, sorted by name. */
  public List<Entry> entries() {
    return entries;
  }

  public Optional<Entry> entry(String name) {
    for (Entry entry : entries) {
      if (entry.name().equals(name)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }
}
