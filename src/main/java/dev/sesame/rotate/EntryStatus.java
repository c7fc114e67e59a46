package dev.sesame.rotate;

import dev.sesame.rotate.KeyLifecycle.IamKey;
import dev.sesame.rotate.KeyLifecycle.KeyUse;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryVersion;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.RotationState;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultEntryStore;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What `sesame status NAME` shows: the entry's versions and labels with their key ids, the
 * rotation's recorded step, the retirement in progress, and IAM's view of each key of the user.
 */
public record EntryStatus(String name, String iamUser, List<VersionRow> versions, Map<String, String> state,
    List<KeyRow> iamKeys, String commandOption) {
  public EntryStatus {
    versions = List.copyOf(versions);
    state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
    iamKeys = List.copyOf(iamKeys);
  }

  /** One version: its number (vault) or id (store), labels, creation time and the access key it holds. */
  public record VersionRow(String version, Set<Label> labels, Instant createdAt, String accessKeyId) {
    public VersionRow {
      labels = Collections.unmodifiableSet(new LinkedHashSet<>(labels));
    }
  }

  /** One row per version: its id (a vault version number, a store version id), labels, age and key id. */
  static List<VersionRow> rows(List<EntryVersion> versions) {
    return versions.stream().map(v -> new VersionRow(v.id(), v.labels(), v.createdAt(),
        v.credential().field(Credential.ACCESS_KEY_ID).orElse(""))).toList();
  }

  /** One IAM key: its state, last use, and which label (if any) holds it. */
  public record KeyRow(IamKey key, Optional<KeyUse> lastUse, Optional<Label> label) {}

  /**
   * The rotation bookkeeping of an entry, as `status` and `metrics` show it (never secret).
   *
   * @param step the step a rotation in progress stopped after (creating, created, tested, deployed)
   * @param retiringKey the previous key still to be deactivated or deleted
   * @param lastFinishedAt when the last rotation finished (absent for rotations finished by older releases)
   */
  public record Progress(Optional<String> token, Optional<String> mode, Optional<String> step,
      Optional<Instant> startedAt, Optional<String> retiringKey, Optional<Instant> retireFinishedAt,
      Optional<Instant> retireDeactivatedAt, List<String> revokedToDelete, Optional<Instant> lastFinishedAt) {
    public Progress {
      revokedToDelete = List.copyOf(revokedToDelete);
    }

    public boolean inProgress() {
      return step.isPresent();
    }
  }

  /** The bookkeeping in STATE (an entry's state map, from the vault index or the store's tags). */
  public static Progress progressOf(Map<String, String> state) {
    RotationState rotation = new RotationState(state);
    boolean inProgress = rotation.inProgress();
    return new Progress(inProgress ? Optional.of(rotation.token()) : Optional.empty(),
        inProgress ? Optional.of(rotation.mode().name().toLowerCase(java.util.Locale.ROOT)) : Optional.empty(),
        rotation.step().map(step -> step.name().toLowerCase(java.util.Locale.ROOT)),
        Optional.ofNullable(state.get(RotationState.STARTED_AT)).map(Instant::parse), rotation.retiringKey(),
        rotation.retireFinishedAt(), rotation.retireDeactivatedAt(), rotation.revokedToDelete(),
        rotation.lastFinishedAt().or(rotation::retireFinishedAt));
  }

  /** This entry's rotation bookkeeping. */
  public Progress progress() {
    return progressOf(state);
  }

  /**
   * The local facts only, without asking IAM: versions, labels, ages, the recorded rotation step
   * and retirement. {@link #iamKeys} is empty.
   */
  public static EntryStatus readOffline(EntryStore storage, String name) throws VaultException {
    EntryStore.Snapshot snapshot = storage.snapshot(name);
    String iamUser = snapshot.current().credential().field(Credential.IAM_USER).orElse("");
    return new EntryStatus(name, iamUser, rows(storage.versions(name)), snapshot.state(), List.of(),
        storage.commandOption());
  }

  public static EntryStatus read(Path vault, List<KeySource> keys, String name, KeyLifecycle iam)
      throws VaultException, RotationException {
    return read(new VaultEntryStore(vault, keys, java.time.Duration.ZERO, java.time.Clock.systemUTC()), name, iam);
  }

  public static EntryStatus read(EntryStore storage, String name, KeyLifecycle iam)
      throws VaultException, RotationException {
    EntryStore.Snapshot snapshot = storage.snapshot(name);
    List<VersionRow> versions = rows(storage.versions(name));
    Map<String, Label> labelOfKey = new LinkedHashMap<>();
    for (VersionRow row : versions) {
      for (Label label : Label.values()) {
        if (row.labels().contains(label)) {
          labelOfKey.putIfAbsent(row.accessKeyId(), label);
        }
      }
    }
    String iamUser = iamUser(snapshot.current().credential(), iam);
    List<KeyRow> iamKeys = new ArrayList<>();
    if (!iamUser.isEmpty()) {
      for (IamKey key : iam.list(iamUser)) {
        iamKeys.add(new KeyRow(key, iam.lastUsed(iamUser, key.id()), Optional.ofNullable(labelOfKey.get(key.id()))));
      }
    }
    return new EntryStatus(name, iamUser, versions, snapshot.state(), iamKeys, storage.commandOption());
  }

  /** The recorded IAM user, else the key's owner as IAM names it (an imported SMTP password), else "". */
  private static String iamUser(Credential current, KeyLifecycle iam) throws RotationException {
    String recorded = current.field(Credential.IAM_USER).orElse("");
    String keyId = current.field(Credential.ACCESS_KEY_ID).orElse("");
    if (!recorded.isEmpty() || keyId.isEmpty()) {
      return recorded;
    }
    try {
      return iam.owner(keyId).orElse("");
    } catch (RotationException e) {
      if (e.kind() == RotationException.Kind.NOT_FOUND) {
        return "";
      }
      throw e;
    }
  }

  /** Readable lines for the terminal, ages relative to NOW. */
  public List<String> describe(Instant now) {
    List<String> lines = new ArrayList<>();
    lines.add(name + (iamUser.isEmpty() ? " (no IAM user: not rotatable)" : " (IAM user " + iamUser + ")"));
    for (VersionRow row : versions) {
      lines.add(String.format("  version %-3s %-18s %-22s created %s (%s)", row.version(),
          labels(row.labels()), row.accessKeyId(), row.createdAt(), age(row.createdAt(), now)));
    }
    RotationState rotation = new RotationState(state);
    if (rotation.inProgress()) {
      lines.add("  rotation " + rotation.token() + " (" + rotation.mode().name().toLowerCase(java.util.Locale.ROOT)
          + ") stopped after step " + rotation.step().orElseThrow().name().toLowerCase(java.util.Locale.ROOT)
          + ", started " + state.get(RotationState.STARTED_AT) + ": resume with `sesame rotate " + name
          + commandOption + "` or clean up with `sesame rotate " + name + commandOption + " --abort`");
    } else {
      lines.add("  no rotation in progress");
    }
    rotation.retiringKey().ifPresent(key -> lines.add("  retiring previous key " + key + ": "
        + rotation.retireDeactivatedAt().map(at -> "deactivated " + at
            + rotation.retireUnusedSeenAt().map(seen -> ", no use seen at " + seen).orElse("")
            + ", deleted after the deletion gap once a second look-up shows no use")
            .orElse("active for its grace period after " + state.get(RotationState.RETIRE_FINISHED_AT))));
    if (!rotation.revokedToDelete().isEmpty()) {
      lines.add("  revoked keys still to delete: " + String.join(", ", rotation.revokedToDelete()));
    }
    if (!iamUser.isEmpty()) {
      lines.add("  IAM keys of " + iamUser + ":");
      for (KeyRow row : iamKeys) {
        lines.add(String.format("    %-22s %-8s created %s (%s), last used %s%s", row.key().id(),
            row.key().active() ? "Active" : "Inactive", row.key().created(), age(row.key().created(), now),
            row.lastUse().map(KeyUse::describe).orElse("never"),
            row.label().map(l -> "  [" + l.wireName() + "]").orElse("  [not in the vault]")));
      }
    }
    return lines;
  }

  private static String labels(Set<Label> labels) {
    List<String> names = new ArrayList<>();
    for (Label label : Label.values()) {
      if (labels.contains(label)) {
        names.add(label.wireName());
      }
    }
    return names.isEmpty() ? "-" : String.join(",", names);
  }

  private static String age(Instant then, Instant now) {
    return Durations.age(java.time.Duration.between(then, now));
  }
}
