package dev.sesame.rotate;

import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.SecretsManagerStore.SecretMetadata;
import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryLock;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionInfo;
import dev.sesame.vault.VersionedCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A rotated entry in the fleet's shared Secrets Manager store, on the store's own rotation
 * machinery: the new key is written as the AWSPENDING version whose ClientRequestToken is the
 * rotation token, finishing moves AWSCURRENT to it (Secrets Manager moves AWSPREVIOUS to the
 * version it left), and hosts pulling AWSCURRENT pick it up on their next run.
 *
 * <p>The rotation's bookkeeping (step, token, keys the user had, key being retired) lives in the
 * secret's tags {@code sesame:rotation.*} / {@code sesame:retire.*}: metadata, never secret,
 * readable by whichever machine resumes the rotation. Writing a version and writing the tags are
 * two calls, so {@link #snapshot} repairs the two windows a killed run can leave: a pending
 * version saved whose step tag still says "creating" (it reads as "created"), and AWSCURRENT
 * already moved to the new version while the tags still describe the rotation (it reads as
 * "not yet finished", so finishing runs again: the label move is then a no-op and the key that
 * was current is still the one retired).
 *
 * <p>The entry lock and the audit log are local files under STATE_DIR (created 0700 when a
 * rotation first takes the lock; the audit log is written only under it): run one rotator per
 * store (one host, or one timer) so the lock means something.
 */
public final class StoreStorage implements EntryStorage {
  static final String TAG_PREFIX = "sesame:";
  private static final String PENDING = SecretsManagerStore.stage(Label.PENDING);

  private final SecretsManagerStore store;
  private final String uri;
  private final List<KeySource> openers;
  private final Path base;
  private final AuditLog audit;
  /** The pending version id each entry's last snapshot saw: the one promote and drop act on. */
  private final Map<String, String> pendingVersion = new HashMap<>();
  /** The tags each entry had when this object last read or wrote them. */
  private final Map<String, Map<String, String>> knownTags = new HashMap<>();

  public StoreStorage(SecretsManagerStore store, String uri, List<KeySource> openers, Path stateDir, Clock clock) {
    this.store = store;
    this.uri = uri;
    this.openers = List.copyOf(openers);
    this.base = stateDir.resolve("store-" + SecretsManagerStore.prefixOf(uri).replaceAll("[^A-Za-z0-9._-]", "_"));
    this.audit = new AuditLog(base, clock);
  }

  @Override
  public String describe() {
    return "store " + uri;
  }

  @Override
  public String commandOption() {
    return " --store " + uri;
  }

  @Override
  public Snapshot snapshot(String entry) throws VaultException {
    SecretMetadata meta = store.describe(entry);
    knownTags.put(entry, meta.tags());
    Map<String, String> state = stateOf(meta.tags());
    StoredEntry current = current(entry, meta);
    Optional<String> pendingId = meta.versionWith(PENDING).filter(id -> !id.equals(current.versionId()));
    // RotateSecret's placeholder (AWSPENDING on a version without a value) is no pending version yet.
    Optional<StoredEntry> pending = pendingId.isPresent()
        ? store.readVersionIfValued(entry, pendingId.get(), PENDING, openers) : Optional.empty();
    String token = state.get(RotationState.TOKEN);
    if (state.containsKey(RotationState.STEP) && current.versionId().equals(token)) {
      // Killed inside promotePending: present the rotation as not yet finished.
      String previousId = meta.versionWith(SecretsManagerStore.stage(Label.PREVIOUS)).orElseThrow(() ->
          new VaultException.Corrupt("the rotation of " + entry + " moved AWSCURRENT but no AWSPREVIOUS version is "
              + "left; run: sesame rotate " + entry + commandOption() + " --abort"));
      StoredEntry previous = store.readVersion(entry, previousId, SecretsManagerStore.stage(Label.PREVIOUS), openers);
      pendingVersion.put(entry, current.versionId());
      return new Snapshot(version(previous, Set.of(Label.CURRENT)), Optional.of(version(current, Set.of(Label.PENDING))),
          state);
    }
    RotationState recorded = new RotationState(state);
    if (pending.isPresent() && pending.get().versionId().equals(token)
        && recorded.step().equals(Optional.of(RotationState.Step.CREATING))) {
      // Killed inside savePending: the version is there, so create is done.
      state = recorded.withStep(RotationState.Step.CREATED).values();
    }
    pending.map(StoredEntry::versionId)
        .ifPresentOrElse(id -> pendingVersion.put(entry, id), () -> pendingVersion.remove(entry));
    return new Snapshot(version(current, Set.of(Label.CURRENT)),
        pending.map(p -> version(p, Set.of(Label.PENDING))), state);
  }

  /** The AWSCURRENT version META names, by id: a version never changes, so the store opens each once. */
  private StoredEntry current(String entry, SecretMetadata meta) throws VaultException {
    String currentId = meta.versionWith(SecretsManagerStore.stage(Label.CURRENT)).orElseThrow(() ->
        new VaultException.NotFound("no current version of " + entry + " in " + describe()));
    return store.readVersion(entry, currentId, SecretsManagerStore.stage(Label.CURRENT), openers);
  }

  @Override
  public void saveState(String entry, Map<String, String> state) throws VaultException {
    // Under the entry lock this rotator is the only writer of sesame:* tags, so what it last read
    // or wrote is what is there; a first write reads them.
    Map<String, String> now = knownTags.containsKey(entry) ? knownTags.get(entry) : store.describe(entry).tags();
    Map<String, String> set = new TreeMap<>();
    state.forEach((key, value) -> {
      String tag = TAG_PREFIX + key;
      String tagValue = value.replace(',', ' ');
      if (!tagValue.equals(now.get(tag))) {
        set.put(tag, tagValue);
      }
    });
    List<String> remove = now.keySet().stream()
        .filter(tag -> tag.startsWith(TAG_PREFIX) && !state.containsKey(tag.substring(TAG_PREFIX.length())))
        .toList();
    store.updateTags(entry, set, remove);
    Map<String, String> after = new HashMap<>(now);
    after.putAll(set);
    remove.forEach(after::remove);
    knownTags.put(entry, after);
  }

  @Override
  public void savePending(String entry, Credential pending, String token, Map<String, String> state)
      throws VaultException {
    // Sealed as this rotator is configured (the store's protection), never like the current value.
    store.writePending(entry, pending, token);
    pendingVersion.put(entry, token);
    saveState(entry, state);
  }

  @Override
  public void promotePending(String entry, Map<String, String> state) throws VaultException {
    String versionId = pendingVersion.get(entry);
    if (versionId == null) {
      throw new VaultException.NotFound("no pending version of " + entry + " in " + describe());
    }
    store.promote(entry, versionId);
    pendingVersion.remove(entry);
    saveState(entry, state);
  }

  @Override
  public void dropPending(String entry, Map<String, String> state) throws VaultException {
    // Bookkeeping first: a rotation step pointing at a dropped version could not be resumed. A
    // crash between the two calls leaves AWSPENDING on a version no rotation records, which is
    // not harmless: RotateSecret refuses to start while it is there (API reference:
    // RotateSecret). The next run of either rotator (rotate, retirement, createSecret) takes it
    // off first (Rotator.dropStalePending).
    saveState(entry, state);
    String versionId = pendingVersion.remove(entry);
    if (versionId != null && store.describe(entry).versionWith(PENDING).filter(versionId::equals).isPresent()) {
      store.removePending(entry, versionId);
    }
  }

  @Override
  public List<EntryStatus.VersionRow> versions(String entry) throws VaultException {
    SecretMetadata meta = store.describe(entry);
    List<EntryStatus.VersionRow> rows = new ArrayList<>();
    for (Map.Entry<String, List<String>> labelled : meta.versionStages().entrySet()) {
      Optional<StoredEntry> read = store.readVersionIfValued(entry, labelled.getKey(),
          SecretsManagerStore.stageToRead(labelled.getValue()), openers);
      if (read.isEmpty()) {
        continue; // RotateSecret's placeholder, no value yet
      }
      StoredEntry version = read.get();
      rows.add(new EntryStatus.VersionRow(version.versionId(), SecretsManagerStore.labels(labelled.getValue()), version.createdAt(),
          version.credential().field(Credential.ACCESS_KEY_ID).orElse("")));
    }
    rows.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
    return rows;
  }

  /** Takes the entry lock in the state dir, creating the dir (0700) on first use. */
  @Override
  public EntryLock lock(String entry) throws VaultException {
    Path stateDir = base.toAbsolutePath().getParent();
    try {
      if (stateDir == null) {
        throw new IOException("no parent folder");
      }
      if (!Files.isDirectory(stateDir)) {
        Files.createDirectories(stateDir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new VaultException("cannot create state directory " + stateDir + ": " + e.getMessage(), e);
    }
    return EntryLock.tryAcquire(base, entry);
  }

  /**
   * The entries this state dir has rotated or retired (each left its lock file): names known
   * without ListSecrets, which "might not reflect changes from the last five minutes" (API
   * reference: ListSecrets), so a sweep walks these too.
   */
  public Set<String> entriesWithLocalState() throws VaultException {
    Path folder = base.toAbsolutePath().getParent();
    String head = base.getFileName() + ".";
    Set<String> entries = new java.util.TreeSet<>();
    if (folder == null || !Files.isDirectory(folder)) {
      return entries;
    }
    try (java.util.stream.Stream<Path> files = Files.list(folder)) {
      files.map(file -> String.valueOf(file.getFileName()))
          .filter(file -> file.startsWith(head) && file.endsWith(".lock") && file.length() > head.length() + 5)
          .map(file -> file.substring(head.length(), file.length() - ".lock".length()))
          .filter(dev.sesame.vault.EntryNames::isValid)
          .forEach(entries::add);
    } catch (IOException e) {
      throw new VaultException("cannot read state directory " + folder + ": " + e.getMessage(), e);
    }
    return entries;
  }

  @Override
  public AuditLog auditLog() {
    return audit;
  }

  /**
   * The rotation bookkeeping held in TAGS (lists are space-separated there: tags allow no comma),
   * keyed as a vault entry's state is (rotation.step, retire.key_id, ...): the doctor judges both alike.
   */
  public static Map<String, String> stateOf(Map<String, String> tags) {
    Map<String, String> state = new HashMap<>();
    tags.forEach((tag, value) -> {
      if (tag.startsWith(TAG_PREFIX)) {
        state.put(tag.substring(TAG_PREFIX.length()), value.replace(' ', ','));
      }
    });
    return state;
  }


  /** Store versions have ids, not numbers: version 0 stands for "see the id". */
  private static VersionedCredential version(StoredEntry stored, Set<Label> labels) {
    return new VersionedCredential(stored.name(),
        new VersionInfo(0, stored.credential().type(), stored.createdAt(), labels), stored.credential());
  }
}
