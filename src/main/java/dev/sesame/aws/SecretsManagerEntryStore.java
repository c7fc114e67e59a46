package dev.sesame.aws;

import dev.sesame.aws.SecretsManagerStore.SecretMetadata;
import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryLock;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryVersion;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.RotationState;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionedCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entries in the fleet's shared Secrets Manager store ({@code --store sm://PREFIX}), as the
 * {@link EntryStore} port: reads are one GetSecretValue per version (sealed values open with
 * OPENERS: a key file, or the trusted KMS or Secrets Manager keys), and a put is a new AWSCURRENT
 * version sealed as the store's protection says ({@link StoreProtection}). A rotation runs on the
 * store's own machinery: the new key is written as the AWSPENDING version whose ClientRequestToken is the
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
public final class SecretsManagerEntryStore implements EntryStore {
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

  public SecretsManagerEntryStore(SecretsManagerStore store, String uri, List<KeySource> openers, Path stateDir, Clock clock) {
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

  /** The SDK side: staging labels, tags, and each version's value. */
  public SecretsManagerStore store() {
    return store;
  }

  /** The key sources that open (and, for a rotation, re-seal like) the store's sealed values. */
  public List<KeySource> openers() {
    return openers;
  }

  @Override
  public EntryVersion read(String entry, Label label) throws VaultException {
    return entryVersion(store.read(entry, label, openers));
  }

  /**
   * One DescribeSecret (which staging labels the version carries: a host policy may be narrowed by
   * secretsmanager:VersionStage, so the read names one), then its GetSecretValue.
   */
  @Override
  public EntryVersion readVersion(String entry, String versionId) throws VaultException {
    List<String> stages = store.describe(entry).versionStages().get(versionId);
    if (stages == null) {
      throw new VaultException.NotFound("no version " + versionId + " of " + entry + " in " + describe());
    }
    String stage = stages.isEmpty() ? null : SecretsManagerStore.stageToRead(stages);
    return entryVersion(store.readVersion(entry, versionId, stage, openers), SecretsManagerStore.labels(stages));
  }

  @Override
  public List<String> list() throws VaultException {
    return store.list();
  }

  /** A new AWSCURRENT version sealed under the configured keys, or plain when the store is configured plain. */
  @Override
  public String put(String entry, Credential credential) throws VaultException {
    // A sealed store with no key configured would otherwise write the value plain.
    if (!store.protection().canWrite()) {
      throw new VaultException("no key to seal the new version of " + entry + " with: configure --store-kms-key "
          + "(SESAME_STORE_KMS_KEY), or --store-plain for a plain store");
    }
    return store.write(entry, credential, store.protection().sealWith(), false);
  }

  /**
   * ENTRY's labelled versions and bookkeeping: one DescribeSecret (staging labels and tags), then
   * one GetSecretValue per version carrying AWSCURRENT, AWSPENDING or AWSPREVIOUS. A pending version
   * without a value yet (RotateSecret's placeholder) or on the current version is left out, as
   * {@link #snapshot} reads it.
   */
  @Override
  public Labelled labelled(String entry) throws VaultException {
    SecretMetadata meta;
    try {
      meta = store.describe(entry);
    } catch (AwsKeySourceException e) {
      if (!(e.getCause() instanceof AwsException aws) || aws.kind() != AwsException.Kind.ACCESS_DENIED) {
        throw e;
      }
      // A host role may read values but not metadata (the fleet runbook's host policy grants only
      // GetSecretValue): the current version still answers the entry's facts and its age.
      StoredEntry current = store.read(entry, Label.CURRENT, openers);
      return new Labelled(List.of(entryVersion(current, EnumSet.of(Label.CURRENT))), Map.of(),
          Optional.of("DescribeSecret was refused (" + aws.getMessage() + "), so the rotation's labels and tags "
              + "are unknown"));
    }
    String currentId = meta.versionWith(SecretsManagerStore.stage(Label.CURRENT)).orElseThrow(() ->
        new VaultException.NotFound("no AWSCURRENT version of " + entry + " (secret " + store.secretName(entry) + ")"));
    List<EntryVersion> versions = new ArrayList<>();
    versions.add(entryVersion(store.readVersion(entry, currentId, SecretsManagerStore.stage(Label.CURRENT), openers),
        SecretsManagerStore.labels(meta.versionStages().get(currentId))));
    for (Map.Entry<String, List<String>> labelled : meta.versionStages().entrySet()) {
      Set<Label> labels = SecretsManagerStore.labels(labelled.getValue());
      if (labelled.getKey().equals(currentId) || labels.isEmpty()) {
        continue;
      }
      // An AWSPENDING version without a value (RotateSecret's placeholder) is no pending version yet.
      store.readVersionIfValued(entry, labelled.getKey(), SecretsManagerStore.stageToRead(labelled.getValue()), openers)
          .ifPresent(read -> versions.add(entryVersion(read, labels)));
    }
    return new Labelled(versions, stateOf(meta.tags()), Optional.empty());
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
  public List<EntryVersion> versions(String entry) throws VaultException {
    SecretMetadata meta = store.describe(entry);
    List<EntryVersion> rows = new ArrayList<>();
    for (Map.Entry<String, List<String>> labelled : meta.versionStages().entrySet()) {
      Optional<StoredEntry> read = store.readVersionIfValued(entry, labelled.getKey(),
          SecretsManagerStore.stageToRead(labelled.getValue()), openers);
      if (read.isEmpty()) {
        continue; // RotateSecret's placeholder, no value yet
      }
      rows.add(entryVersion(read.get(), SecretsManagerStore.labels(labelled.getValue())));
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

  /** Wipes the key sources' secrets (a key file's key; a KMS or Secrets Manager key source holds none). */
  @Override
  public void close() {
    openers.forEach(KeySource::destroy);
    store.protection().sealWith().forEach(KeySource::destroy);
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
    return entryVersion(stored, labels).versioned(labels);
  }

  /** STORED with its Sesame labels (those of its staging labels). */
  private static EntryVersion entryVersion(StoredEntry stored) {
    return entryVersion(stored, SecretsManagerStore.labels(stored.stages()));
  }

  private static EntryVersion entryVersion(StoredEntry stored, Set<Label> labels) {
    return new EntryVersion(stored.name(), OptionalInt.empty(), stored.versionId(), labels, stored.stages(),
        stored.credential(), stored.createdAt());
  }
}
