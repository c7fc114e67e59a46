package dev.sesame.vault;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** One sealed version of an entry as kept in the file: index data in clear, the credential sealed. */
record StoredVersion(int version, EntryType type, Instant createdAt, Set<Label> labels, byte[] sealed) {
  StoredVersion {
    labels = labels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(labels));
  }

  StoredVersion withLabels(Set<Label> newLabels) {
    return new StoredVersion(version, type, createdAt, newLabels, sealed);
  }

  StoredVersion withSealed(byte[] newSealed) {
    return new StoredVersion(version, type, createdAt, labels, newSealed);
  }

  /** Labels in their canonical (declaration) order. */
  EnumSet<Label> orderedLabels() {
    return labels.isEmpty() ? EnumSet.noneOf(Label.class) : EnumSet.copyOf(labels);
  }
}
