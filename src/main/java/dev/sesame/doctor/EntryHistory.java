package dev.sesame.doctor;

import dev.sesame.vault.EntryType;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What key.age and rotation.pending judge of one entry, wherever it lives: its labelled versions'
 * types and creation times, and the rotation bookkeeping (an entry's state map in the vault
 * index, or the {@code sesame:*} tags of a store secret). Version numbers are left out: store
 * versions have ids, not numbers, and neither check needs them.
 *
 * @param state the rotation bookkeeping, read through {@link dev.sesame.rotate.EntryStatus#progressOf}
 */
public record EntryHistory(String name, List<LabelledVersion> versions, Map<String, String> state) {
  public EntryHistory {
    versions = List.copyOf(versions);
    state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
  }

  /** One version: what it holds, when it was made, and its labels. */
  public record LabelledVersion(EntryType type, Instant createdAt, Set<Label> labels) {
    public LabelledVersion {
      labels = labels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(labels));
    }
  }

  /** A vault entry as its index records it (read without the key). */
  public static EntryHistory of(VaultIndex.Entry entry) {
    List<LabelledVersion> versions = new ArrayList<>();
    for (VaultIndex.Version version : entry.versions()) {
      versions.add(new LabelledVersion(version.type(), version.createdAt(), version.labels()));
    }
    return new EntryHistory(entry.name(), versions, entry.state());
  }

  public Optional<LabelledVersion> labelled(Label label) {
    return versions.stream().filter(v -> v.labels().contains(label)).findFirst();
  }
}
