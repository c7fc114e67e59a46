package dev.sesame.vault;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** What the index says about one version: readable without unsealing. */
public record VersionInfo(int version, EntryType type, Instant createdAt, Set<Label> labels) {
  public VersionInfo {
    labels = Collections.unmodifiableSet(new LinkedHashSet<>(labels)); // keeps the caller's order
  }
}
