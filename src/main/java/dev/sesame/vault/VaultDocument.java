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
    for (Map.Entry<String, List<StoredVersion>> entry : entries.entrySet()) {
      this.entries.put(entry.getKey(), new ArrayList<>(entry.getValue()));
    }
    this.mac = mac;
  }

  /**
   * The bytes the index MAC covers: everything in the file except the MAC itself, in a fixed
   * order, so dropping, adding, reordering or relabelling anything changes them.
   *
   * <p>Plain loops, not lambdas, here and on the rest of the `get` path: each lambda links through
   * invokedynamic on its first call, a millisecond or more apiece in a fresh JVM (the same reason
   * the pom compiles string concatenation inline).
   */
  byte[] canonicalIndex() {
    Canonical canonical = new Canonical().add("sesame-vault/1 index").add(FORMAT).add(vaultId)
        .add(maxVersions).add(slots.size());
    for (KeySlot slot : slots) {
      slot.appendCanonical(canonical);
    }
    canonical.add(entries.size());
    for (Map.Entry<String, List<StoredVersion>> entry : entries.entrySet()) {
      String name = entry.getKey();
      List<StoredVersion> versions = entry.getValue();
      canonical.add(name).add(versions.size());
      for (StoredVersion version : versions) {
        canonical.add(version.version()).add(version.type().wireName())
            .add(Timestamps.format(version.createdAt()));
        canonical.add(version.labels().size());
        for (Label label : version.orderedLabels()) {
          canonical.add(label.wireName());
        }
        canonical.add(version.sealed());
      }
      Map<String, String> state = states.getOrDefault(name, new TreeMap<>());
      canonical.add(state.size());
      for (Map.Entry<String, String> item : state.entrySet()) {
        canonical.add(item.getKey()).add(item.getValue());
      }
    }
    return canonical.toByteArray();
  }
}
