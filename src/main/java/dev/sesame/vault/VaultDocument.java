package dev.sesame.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parsed contents of a vault file: header, key slots and the entry index with each version's
 * sealed body. Mutable, package-private: only {@link Vault} changes it, and only under the lock.
 */
final class VaultDocument {
  static final String FORMAT = "sesame-vault/1";
  static final int DEFAULT_MAX_VERSIONS = 5;

  final String vaultId;
  int maxVersions;
  final List<KeySlot> slots;
  /** Entry name -> versions, oldest first. Sorted by name so the canonical form is stable. */
  final TreeMap<String, List<StoredVersion>> entries;
  /**
   * Entry name -> small string map owned by the layer above (the rotation records its progress
   * here). Clear text, authenticated by the MAC; never holds secrets. Absent = empty.
   */
  final TreeMap<String, TreeMap<String, String>> states = new TreeMap<>();
  byte[] mac;

  VaultDocument(String vaultId, int maxVersions, List<KeySlot> slots,
      Map<String, List<StoredVersion>> entries, byte[] mac) {
    this.vaultId = vaultId;
    this.maxVersions = maxVersions;
    this.slots = new ArrayList<>(slots);
    this.entries = new TreeMap<>();
    entries.forEach((name, versions) -> this.entries.put(name, new ArrayList<>(versions)));
    this.mac = mac;
  }

  /**
   * The bytes the index MAC covers: everything in the file except the MAC itself, in a fixed
   * order, so dropping, adding, reordering or relabelling anything changes them.
   */
  byte[] canonicalIndex() {
    Canonical canonical = new Canonical().add("sesame-vault/1 index").add(FORMAT).add(vaultId)
        .add(maxVersions).add(slots.size());
    for (KeySlot slot : slots) {
      slot.appendCanonical(canonical);
    }
    canonical.add(entries.size());
    entries.forEach((name, versions) -> {
      canonical.add(name).add(versions.size());
      for (StoredVersion version : versions) {
        canonical.add(version.version()).add(version.type().wireName())
            .add(Timestamps.format(version.createdAt()));
        canonical.add(version.labels().size());
        version.orderedLabels().forEach(label -> canonical.add(label.wireName()));
        canonical.add(version.sealed());
      }
      Map<String, String> state = states.getOrDefault(name, new TreeMap<>());
      canonical.add(state.size());
      state.forEach((key, value) -> canonical.add(key).add(value));
    });
    return canonical.toByteArray();
  }
}
