package dev.sesame.vault;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One version of an entry as an {@link EntryStore} reads it. A vault version has a number (and
 * its id is that number); a store version has only the id Secrets Manager gave it, and STAGES,
 * the staging labels it carries there (AWSCURRENT, ...; empty for a vault version). LABELS are
 * Sesame's current / pending / previous in both.
 */
public record EntryVersion(String name, OptionalInt number, String id, Set<Label> labels, List<String> stages,
    Credential credential, Instant createdAt) {
  public EntryVersion {
    EnumSet<Label> copy = EnumSet.noneOf(Label.class);
    copy.addAll(labels);
    labels = Collections.unmodifiableSet(copy);
    stages = List.copyOf(stages);
  }

  /** A numbered version of a vault entry. */
  public static EntryVersion of(VersionedCredential version) {
    return new EntryVersion(version.name(), OptionalInt.of(version.info().version()),
        Integer.toString(version.info().version()), version.info().labels(), List.of(), version.credential(),
        version.info().createdAt());
  }

  /** Every field, created_at included, as `get` and the renderer see them. */
  public Map<String, String> allFields() {
    return credential.fieldsWithCreatedAt(createdAt);
  }

  /** As the rotator sees a version: store versions have ids, not numbers, so number 0 stands for "see the id". */
  public VersionedCredential versioned(Set<Label> asLabels) {
    return new VersionedCredential(name, new VersionInfo(number.orElse(0), credential.type(), createdAt, asLabels),
        credential);
  }

  @Override
  public String toString() {
    return "EntryVersion[" + name + " " + id + " " + labels + "]";
  }
}
