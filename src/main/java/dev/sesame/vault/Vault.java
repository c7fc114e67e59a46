package dev.sesame.vault;

import dev.sesame.crypto.Aead;
import dev.sesame.crypto.Hkdf;
import dev.sesame.crypto.Hmac;
import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Wipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An opened vault (docs/vault-format.md): the data key is unwrapped, the index MAC verified, and
 * versions are unsealed on demand. Changes happen only inside {@link #update}, which holds the
 * writer lock, re-reads the file so concurrent writers never lose each other's updates, and
 * saves atomically. A vault path that is a symbolic link is resolved first ({@link VaultPaths}).
 */
public final class Vault implements AutoCloseable {
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);
  /** The largest vault file read; anything larger is refused unread. */
  public static final int MAX_FILE_BYTES = VaultFiles.MAX_VAULT_BYTES;
  private static final byte[] MAC_INFO = bytes("sesame-vault/1 index mac");
  private static final byte[] ENTRY_INFO = bytes("sesame-vault/1 entry aead");

  private final Path path;
  private final VaultDocument doc;
  private final Clock clock;
  private final boolean editable;
  private final List<KeySource> offered;
  /** The slot the vault was opened through, for `passwd` to replace. */
  private final String openedSlotId;
  private byte[] dataKey;
  private Aead entryAead;

  /** Edits applied under the lock by {@link #update}. */
  @FunctionalInterface
  public interface Edit<T> {
    T apply(Vault vault) throws VaultException;
  }

  private Vault(Path path, VaultDocument doc, byte[] dataKey, String openedSlotId,
      List<KeySource> offered, Clock clock, boolean editable) {
    this.path = path;
    this.doc = doc;
    this.dataKey = dataKey;
    this.openedSlotId = openedSlotId;
    this.offered = List.copyOf(offered);
    this.clock = clock;
    this.editable = editable;
    this.entryAead = entryAead(dataKey, doc.vaultId);
  }

  /** Creates a new, empty vault whose data key is wrapped by each of SOURCES. */
  public static void create(Path given, List<KeySource> sources, int maxVersions) throws VaultException {
    Path path = VaultPaths.real(given);
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("a vault needs at least one key source");
    }
    if (maxVersions < 3) {
      throw new IllegalArgumentException("max versions must be at least 3 (pending, current, previous)");
    }
    try (VaultLock lock = VaultLock.acquire(path, DEFAULT_LOCK_TIMEOUT)) {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new VaultException.Conflict("vault " + path + " already exists");
      }
      String vaultId = HexFormat.of().formatHex(Randomness.bytes(16));
      byte[] dataKey = Randomness.bytes(Aead.KEY_BYTES);
      List<KeySlot> slots = new ArrayList<>();
      for (KeySource source : sources) {
        slots.add(source.wrap(vaultId, dataKey));
      }
      VaultDocument doc = new VaultDocument(vaultId, maxVersions, slots, Map.of(), new byte[0]);
      try (Vault vault = new Vault(path, doc, dataKey, slots.get(0).id(), sources, Clock.systemUTC(), true)) {
        vault.save();
      }
    }
  }

  /** Opens a vault for reading. Throws WrongKey when no offered source opens it. */
  public static Vault open(Path path, List<KeySource> offered) throws VaultException {
    return open(VaultPaths.real(path), offered, Clock.systemUTC(), false);
  }

  /**
   * Runs EDIT on the freshest vault under the writer lock and saves the result atomically. If EDIT
   * throws, nothing is written.
   */
  public static <T> T update(Path path, List<KeySource> offered, Duration lockTimeout, Edit<T> edit)
      throws VaultException {
    return update(path, offered, lockTimeout, Clock.systemUTC(), edit);
  }

  static <T> T update(Path given, List<KeySource> offered, Duration lockTimeout, Clock clock, Edit<T> edit)
      throws VaultException {
    Path path = VaultPaths.real(given);
    try (VaultLock lock = VaultLock.acquire(path, lockTimeout)) {
      VaultFiles.sweepStaleTempFiles(path);
      try (Vault vault = open(path, offered, clock, true)) {
        T result = edit.apply(vault);
        vault.save();
        return result;
      }
    }
  }

  private static Vault open(Path path, List<KeySource> offered, Clock clock, boolean editable)
      throws VaultException {
    return open(path, VaultFiles.read(path), offered, clock, editable);
  }

  /** Opens CONTENT as if read from PATH, for read-only use (the reader's fuzz test feeds it directly). */
  static Vault openContent(Path path, byte[] content, List<KeySource> offered) throws VaultException {
    return open(path, content, offered, Clock.systemUTC(), false);
  }

  private static Vault open(Path path, byte[] content, List<KeySource> offered, Clock clock, boolean editable)
      throws VaultException {
    VaultDocument doc = VaultCodec.read(content);
    boolean anySlotOfferedType = false;
    for (KeySource source : offered) {
      for (KeySlot slot : doc.slots) {
        if (!slot.type().equals(source.type())) {
          continue;
        }
        anySlotOfferedType = true;
        Optional<byte[]> dataKey = source.unwrap(doc.vaultId, slot);
        if (dataKey.isPresent()) {
          verifyIndex(doc, dataKey.get());
          return new Vault(path, doc, dataKey.get(), slot.id(), offered, clock, editable);
        }
      }
    }
    if (offered.isEmpty()) {
      throw new VaultException.WrongKey("no key given for vault " + path
          + " (use --key-file, --passphrase-stdin or SESAME_KEY_FILE)");
    }
    if (!anySlotOfferedType) {
      throw new VaultException.WrongKey("vault " + path + " has no slot for " + describe(offered)
          + "; it opens with: " + slotTypes(doc));
    }
    throw new VaultException.WrongKey("wrong key: " + describe(offered) + " does not open vault " + path);
  }

  private static void verifyIndex(VaultDocument doc, byte[] dataKey) throws VaultException.Corrupt {
    byte[] macKey = macKey(dataKey, doc.vaultId);
    try {
      byte[] expected = Hmac.sha256(macKey, doc.canonicalIndex());
      if (!Hmac.constantTimeEquals(expected, doc.mac)) {
        Wipe.bytes(dataKey);
        throw new VaultException.Corrupt(
            "vault authentication failed: the index was modified (entries, labels or key slots)");
      }
    } finally {
      Wipe.bytes(macKey);
    }
  }

  public Path path() {
    return path;
  }

  public String id() {
    return doc.vaultId;
  }

  public int maxVersions() {
    return doc.maxVersions;
  }

  public List<KeySlot> keySlots() {
    return List.copyOf(doc.slots);
  }

  public String openedSlotId() {
    return openedSlotId;
  }

  public List<EntryInfo> entries() {
    List<EntryInfo> infos = new ArrayList<>();
    doc.entries.forEach((name, versions) -> infos.add(info(name, versions)));
    return infos;
  }

  public Optional<EntryInfo> entry(String name) {
    List<StoredVersion> versions = doc.entries.get(name);
    return versions == null ? Optional.empty() : Optional.of(info(name, versions));
  }

  /** Unseals the version of NAME carrying LABEL. */
  public VersionedCredential get(String name, Label label) throws VaultException {
    for (StoredVersion version : versions(name)) {  // a loop, not a stream: see VaultDocument#canonicalIndex
      if (version.labels().contains(label)) {
        return unseal(name, version);
      }
    }
    throw new VaultException.NotFound("entry " + name + " has no " + label.wireName() + " version");
  }

  /** Unseals version number VERSION of NAME. */
  public VersionedCredential get(String name, int versionNumber) throws VaultException {
    StoredVersion version = versions(name).stream().filter(v -> v.version() == versionNumber).findFirst()
        .orElseThrow(() -> new VaultException.NotFound("entry " + name + " has no version " + versionNumber));
    return unseal(name, version);
  }

  /**
   * Stores CREDENTIAL as the new current version of NAME: the old current becomes previous, the
   * old previous loses its label, and the oldest unlabelled versions beyond the limit are purged.
   * Refused while a rotation holds a pending version. Returns the new version number.
   */
  public int put(String name, Credential credential) throws VaultException {
    checkEditable();
    EntryNames.check(name);
    List<StoredVersion> versions = doc.entries.computeIfAbsent(name, n -> new ArrayList<>());
    refuseIfPending(name, versions);
    shiftLabels(versions);
    return addVersion(name, versions, credential, Label.CURRENT);
  }

  /**
   * Stores CREDENTIAL as the pending version of NAME (the rotation's create step); current is
   * untouched until {@link #promotePending}. Refused if a pending version already exists.
   */
  public int putPending(String name, Credential credential) throws VaultException {
    checkEditable();
    EntryNames.check(name);
    List<StoredVersion> versions = doc.entries.computeIfAbsent(name, n -> new ArrayList<>());
    refuseIfPending(name, versions);
    return addVersion(name, versions, credential, Label.PENDING);
  }

  /** The rotation's finish step: pending becomes current, current previous. */
  public void promotePending(String name) throws VaultException {
    checkEditable();
    List<StoredVersion> versions = versions(name);
    int index = versions.indexOf(pendingOf(name, versions));
    shiftLabels(versions);
    versions.set(index, versions.get(index).withLabels(Set.of(Label.CURRENT)));
    purgeOldVersions(versions);
  }

  /** Abandons a rotation: the pending version is deleted, current and previous stay. */
  public void dropPending(String name) throws VaultException {
    checkEditable();
    List<StoredVersion> versions = versions(name);
    versions.remove(pendingOf(name, versions));
    if (versions.isEmpty()) {
      doc.entries.remove(name);
      doc.states.remove(name);
    }
  }

  private static StoredVersion pendingOf(String name, List<StoredVersion> versions) throws VaultException.NotFound {
    return versions.stream().filter(v -> v.labels().contains(Label.PENDING)).findFirst()
        .orElseThrow(() -> new VaultException.NotFound("entry " + name + " has no pending version"));
  }

  private static void refuseIfPending(String name, List<StoredVersion> versions) throws VaultException.Conflict {
    if (versions.stream().anyMatch(v -> v.labels().contains(Label.PENDING))) {
      throw new VaultException.Conflict("entry " + name
          + " has a pending rotation; resume it or run: sesame rotate " + name + " --abort");
    }
  }

  /** current -> previous, previous -> unlabelled; pending is left alone. */
  private static void shiftLabels(List<StoredVersion> versions) {
    for (int i = 0; i < versions.size(); i++) {
      StoredVersion old = versions.get(i);
      EnumSet<Label> labels = old.orderedLabels();
      labels.remove(Label.PREVIOUS);
      if (labels.remove(Label.CURRENT)) {
        labels.add(Label.PREVIOUS);
      }
      versions.set(i, old.withLabels(labels));
    }
  }

  private int addVersion(String name, List<StoredVersion> versions, Credential credential, Label label) {
    int number = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    versions.add(new StoredVersion(number, credential.type(), now, EnumSet.of(label), seal(name, number, credential)));
    purgeOldVersions(versions);
    return number;
  }

  /** Removes NAME, all its versions and its state. */
  public void remove(String name) throws VaultException {
    checkEditable();
    EntryNames.check(name);
    if (doc.entries.remove(name) == null) {
      throw new VaultException.NotFound("no entry named " + name);
    }
    doc.states.remove(name);
  }

  /**
   * The entry's state map: clear-text, MAC-authenticated bookkeeping owned by the layer above
   * (a rotation's token and step). Empty when none. Never put secrets here.
   */
  public Map<String, String> entryState(String name) throws VaultException.NotFound {
    versions(name);
    return Map.copyOf(doc.states.getOrDefault(name, new java.util.TreeMap<>()));
  }

  /** Replaces the entry's state map; an empty map clears it. */
  public void setEntryState(String name, Map<String, String> state) throws VaultException {
    checkEditable();
    versions(name);
    if (state.isEmpty()) {
      doc.states.remove(name);
    } else {
      doc.states.put(name, new java.util.TreeMap<>(state));
    }
  }

  /** Wraps the data key for SOURCE in a new slot; returns that slot. */
  public KeySlot addKeySource(KeySource source) throws VaultException {
    checkEditable();
    KeySlot slot = source.wrap(doc.vaultId, dataKey);
    doc.slots.add(slot);
    return slot;
  }

  /** Removes a slot; the last one cannot go (the vault would open with nothing). */
  public void removeKeySlot(String slotId) throws VaultException {
    checkEditable();
    if (doc.slots.stream().noneMatch(s -> s.id().equals(slotId))) {
      throw new VaultException.NotFound("no key slot " + slotId);
    }
    if (doc.slots.size() == 1) {
      throw new VaultException.Conflict("key slot " + slotId + " is the only one; add another first");
    }
    doc.slots.removeIf(s -> s.id().equals(slotId));
  }

  /**
   * Draws a new data key, re-seals every version with fresh IVs, and re-wraps every slot with the
   * offered source that opens it. A slot none of the offered sources opens blocks the rekey
   * unless DROP_UNOFFERED is set, in which case that slot is removed. Returns dropped slot ids.
   */
  public List<String> rekey(boolean dropUnoffered) throws VaultException {
    checkEditable();
    List<KeySlot> rewrapped = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    byte[] newDataKey = Randomness.bytes(Aead.KEY_BYTES);
    Aead newAead = null;
    Map<String, List<StoredVersion>> resealed = new java.util.TreeMap<>();
    try {
      for (KeySlot slot : doc.slots) {
        Optional<KeySource> opener = openerOf(slot);
        if (opener.isPresent()) {
          rewrapped.add(opener.get().rewrap(doc.vaultId, slot, newDataKey));
        } else if (dropUnoffered) {
          dropped.add(slot.id());
        } else {
          throw new VaultException.Conflict("rekey needs every key source: slot " + slot.id() + " ("
              + slot.type() + ") was not offered; offer it too, or drop it with --drop-other-sources");
        }
      }
      newAead = entryAead(newDataKey, doc.vaultId);
      for (Map.Entry<String, List<StoredVersion>> entry : doc.entries.entrySet()) {
        List<StoredVersion> versions = new ArrayList<>(entry.getValue());
        for (int i = 0; i < versions.size(); i++) {
          StoredVersion version = versions.get(i);
          byte[] plaintext = open(entry.getKey(), version);
          try {
            byte[] ad = associatedData(entry.getKey(), version.version(), version.type());
            versions.set(i, version.withSealed(newAead.encrypt(plaintext, ad)));
          } finally {
            Wipe.bytes(plaintext);
          }
        }
        resealed.put(entry.getKey(), versions);
      }
    } catch (VaultException | RuntimeException failed) {
      // Nothing changed: the old data key and entries stay; the new key must not outlive the attempt.
      if (newAead != null) {
        newAead.destroy();
      }
      Wipe.bytes(newDataKey);
      throw failed;
    }
    resealed.forEach((name, versions) -> doc.entries.get(name).clear());
    resealed.forEach((name, versions) -> doc.entries.get(name).addAll(versions));
    doc.slots.clear();
    doc.slots.addAll(rewrapped);
    entryAead.destroy();
    Wipe.bytes(dataKey);
    entryAead = newAead;
    dataKey = newDataKey;
    return dropped;
  }

  public void setMaxVersions(int maxVersions) throws VaultException {
    checkEditable();
    if (maxVersions < 3) {
      throw new IllegalArgumentException("max versions must be at least 3 (pending, current, previous)");
    }
    doc.maxVersions = maxVersions;
    for (List<StoredVersion> versions : doc.entries.values()) {
      purgeOldVersions(versions);
    }
  }

  private Optional<KeySource> openerOf(KeySlot slot) throws VaultException {
    for (KeySource source : offered) {
      if (source.type().equals(slot.type())) {
        Optional<byte[]> key = source.unwrap(doc.vaultId, slot);
        if (key.isPresent()) {
          Wipe.bytes(key.get());
          return Optional.of(source);
        }
      }
    }
    return Optional.empty();
  }

  private void purgeOldVersions(List<StoredVersion> versions) {
    while (versions.size() > doc.maxVersions) {
      Optional<StoredVersion> oldestUnlabelled = versions.stream().filter(v -> v.labels().isEmpty()).findFirst();
      if (oldestUnlabelled.isEmpty()) {
        return;
      }
      versions.remove(oldestUnlabelled.get());
    }
  }

  private void save() throws VaultException {
    byte[] macKey = macKey(dataKey, doc.vaultId);
    try {
      doc.mac = Hmac.sha256(macKey, doc.canonicalIndex());
    } finally {
      Wipe.bytes(macKey);
    }
    VaultFiles.replace(path, VaultCodec.write(doc));
  }

  private List<StoredVersion> versions(String name) throws VaultException.NotFound {
    // A name that could never be stored is refused without being quoted: it may be a mistyped secret.
    EntryNames.check(name);
    List<StoredVersion> versions = doc.entries.get(name);
    if (versions == null) {
      throw new VaultException.NotFound("no entry named " + name);
    }
    return versions;
  }

  private VersionedCredential unseal(String name, StoredVersion version) throws VaultException {
    byte[] plaintext = open(name, version);
    try {
      return new VersionedCredential(name, infoOf(version), CredentialCodec.decode(version.type(), plaintext));
    } finally {
      Wipe.bytes(plaintext);
    }
  }

  private byte[] open(String name, StoredVersion version) throws VaultException.Corrupt {
    try {
      return entryAead.decrypt(version.sealed(), associatedData(name, version.version(), version.type()));
    } catch (GeneralSecurityException e) {
      throw new VaultException.Corrupt("vault authentication failed: entry " + name + " version "
          + version.version() + " does not decrypt (tampered or moved)");
    }
  }

  private byte[] seal(String name, int version, Credential credential) {
    byte[] plaintext = CredentialCodec.encode(credential);
    try {
      return entryAead.encrypt(plaintext, associatedData(name, version, credential.type()));
    } finally {
      Wipe.bytes(plaintext);
    }
  }

  /** Binds a sealed version to this vault, its entry name, version number and type. */
  private byte[] associatedData(String name, int version, EntryType type) {
    return new Canonical().add("sesame-vault/1 entry").add(doc.vaultId).add(name).add(version)
        .add(type.wireName()).toByteArray();
  }

  private void checkEditable() {
    if (!editable) {
      throw new IllegalStateException("vault opened read-only; change it through Vault.update");
    }
  }

  private static EntryInfo info(String name, List<StoredVersion> versions) {
    return new EntryInfo(name, versions.stream().map(Vault::infoOf).toList());
  }

  private static VersionInfo infoOf(StoredVersion version) {
    return new VersionInfo(version.version(), version.type(), version.createdAt(), Set.copyOf(version.labels()));
  }

  private static byte[] macKey(byte[] dataKey, String vaultId) {
    return Hkdf.sha256(dataKey, bytes(vaultId), MAC_INFO, 32);
  }

  private static Aead entryAead(byte[] dataKey, String vaultId) {
    byte[] entryKey = Hkdf.sha256(dataKey, bytes(vaultId), ENTRY_INFO, 32);
    try {
      return Aead.create(entryKey);
    } finally {
      Wipe.bytes(entryKey);
    }
  }

  private static String describe(List<KeySource> sources) {
    return String.join(" / ", sources.stream().map(KeySource::describe).toList());
  }

  private static String slotTypes(VaultDocument doc) {
    return String.join(", ", doc.slots.stream().map(KeySlot::type).distinct().toList());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    entryAead.destroy();
    Wipe.bytes(dataKey);
  }
}
