package dev.sesame.vault;

import java.time.Instant;
import java.util.Set;

/** What the index says about one version: readable without unsealing. */
public record VersionInfo(int version, EntryType type, Instant createdAt, Set<Label> labels) {}
