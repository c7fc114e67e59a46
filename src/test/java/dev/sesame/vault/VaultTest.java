package dev.sesame.vault;

import static dev.sesame.vault.VaultFixtures.keyFile;
import static dev.sesame.vault.VaultFixtures.passphrase;
import static dev.sesame.vault.VaultFixtures.ses;
import static dev.sesame.vault.VaultFixtures.smtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTest {
  @TempDir
  Path dir;

  private Path vaultPath() {
    return dir.resolve("vault.json");
  }

  private List<KeySource> createWithKeyFile() throws VaultException {
    List<KeySource> key = List.of(keyFile(dir, "key"));
    Vault.create(vaultPath(), key, 5);
    return key;
  }

  private <T> T update(List<KeySource> key, Vault.Edit<T> edit) throws VaultException {
    return Vault.update(vaultPath(), key, Duration.ofSeconds(5), edit);
  }

  @Test
  void newVaultAndKeyFileAreOwnerOnly() throws Exception {
    createWithKeyFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vaultPath()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key")))).isEqualTo("rw-------");
  }

  @Test
  void sesAndSmtpCredentialsRoundTrip() throws Exception {
    List<KeySource> key = createWithKeyFile();
    Credential prod = ses("AKIAPROD", "secret/with+slash=");
    Credential relay = smtp("p@ss:w/rd ü€ '\"$\\");
    update(key, v -> v.put("prod", prod));
    update(key, v -> v.put("relay", relay));
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.get("prod", Label.CURRENT).credential()).isEqualTo(prod);
      assertThat(vault.get("relay", Label.CURRENT).credential()).isEqualTo(relay);
      assertThat(vault.entries()).extracting(EntryInfo::name).containsExactly("prod", "relay");
    }
  }

  @Test
  void putMovesCurrentToPreviousAndKeepsOnlyMaxVersions() throws Exception {
    List<KeySource> key = createWithKeyFile();
    for (int i = 1; i <= 7; i++) {
      int n = i;
      int version = update(key, v -> v.put("prod", ses("AKIA" + n, "s" + n)));
      assertThat(version).isEqualTo(i);
    }
    try (Vault vault = Vault.open(vaultPath(), key)) {
      EntryInfo info = vault.entry("prod").orElseThrow();
      assertThat(info.versions()).extracting(VersionInfo::version).containsExactly(3, 4, 5, 6, 7);
      assertThat(info.labelled(Label.CURRENT).orElseThrow().version()).isEqualTo(7);
      assertThat(info.labelled(Label.PREVIOUS).orElseThrow().version()).isEqualTo(6);
      assertThat(info.versions().get(0).labels()).isEmpty();
      assertThat(vault.get("prod", Label.PREVIOUS).credential().field(Credential.ACCESS_KEY_ID)).contains("AKIA6");
      assertThat(vault.get("prod", 3).credential().field(Credential.ACCESS_KEY_ID)).contains("AKIA3");
    }
  }

  @Test
  void missingEntryOrLabelIsNotFound() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThatThrownBy(() -> vault.get("other", Label.CURRENT)).isInstanceOf(VaultException.NotFound.class);
      assertThatThrownBy(() -> vault.get("prod", Label.PREVIOUS)).isInstanceOf(VaultException.NotFound.class);
    }
  }

  @Test
  void removeDeletesTheEntry() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    update(key, v -> {
      v.remove("prod");
      return null;
    });
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.entries()).isEmpty();
    }
    assertThatThrownBy(() -> update(key, v -> {
      v.remove("prod");
      return null;
    })).isInstanceOf(VaultException.NotFound.class);
  }

  @Test
  void aFailedEditWritesNothing() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    byte[] before = Files.readAllBytes(vaultPath());
    assertThatThrownBy(() -> update(key, v -> {
      v.put("other", ses("AKIA2", "s2"));
      throw new VaultException.Conflict("stop");
    })).isInstanceOf(VaultException.Conflict.class);
    assertThat(Files.readAllBytes(vaultPath())).isEqualTo(before);
  }

  @Test
  void createRefusesAnExistingVault() throws Exception {
    List<KeySource> key = createWithKeyFile();
    assertThatThrownBy(() -> Vault.create(vaultPath(), key, 5)).isInstanceOf(VaultException.Conflict.class);
  }

  @Test
  void wrongKeyFileIsWrongKey() throws Exception {
    createWithKeyFile();
    List<KeySource> other = List.of(keyFile(dir, "other-key"));
    assertThatThrownBy(() -> Vault.open(vaultPath(), other))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("does not open");
  }

  @Test
  void wrongPassphraseIsWrongKey() throws Exception {
    Vault.create(vaultPath(), List.of(passphrase("right horse")), 5);
    assertThatThrownBy(() -> Vault.open(vaultPath(), List.of(passphrase("wrong horse"))))
        .isInstanceOf(VaultException.WrongKey.class);
    try (Vault vault = Vault.open(vaultPath(), List.of(passphrase("right horse")))) {
      assertThat(vault.entries()).isEmpty();
    }
  }

  @Test
  void aSourceOfAnotherTypeIsToldWhichTypesOpen() throws Exception {
    Vault.create(vaultPath(), List.of(passphrase("pw")), 5);
    assertThatThrownBy(() -> Vault.open(vaultPath(), List.of(keyFile(dir, "key"))))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("opens with: passphrase");
  }

  @Test
  void keyFileReadableByOthersIsRefused() throws Exception {
    createWithKeyFile();
    Files.setPosixFilePermissions(dir.resolve("key"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyFileKeySource.load(dir.resolve("key")))
        .hasMessageContaining("chmod 600");
  }

  @Test
  void addedPassphraseOpensTheVaultAndRemovedSlotNoLonger() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    KeySlot added = update(key, v -> v.addKeySource(passphrase("recovery")));
    List<KeySource> recovery = List.of(passphrase("recovery"));
    try (Vault vault = Vault.open(vaultPath(), recovery)) {
      assertThat(vault.get("prod", Label.CURRENT).credential()).isEqualTo(ses("AKIA1", "s1"));
    }
    String keyFileSlot = update(recovery, v -> {
      String slot = v.keySlots().stream().filter(s -> !s.id().equals(added.id())).findFirst().orElseThrow().id();
      v.removeKeySlot(slot);
      return slot;
    });
    assertThat(keyFileSlot).startsWith("ks-");
    assertThatThrownBy(() -> Vault.open(vaultPath(), key)).isInstanceOf(VaultException.WrongKey.class);
  }

  @Test
  void theLastSlotCannotBeRemoved() throws Exception {
    List<KeySource> key = createWithKeyFile();
    assertThatThrownBy(() -> update(key, v -> {
      v.removeKeySlot(v.openedSlotId());
      return null;
    })).isInstanceOf(VaultException.Conflict.class);
  }

  @Test
  void rekeyResealsEveryVersionWithFreshIvsAndKeepsContent() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    update(key, v -> v.put("prod", ses("AKIA2", "s2")));
    VaultDocument before = VaultCodec.read(Files.readAllBytes(vaultPath()));
    update(key, v -> v.rekey(false));
    VaultDocument after = VaultCodec.read(Files.readAllBytes(vaultPath()));
    for (int i = 0; i < 2; i++) {
      byte[] oldSealed = before.entries.get("prod").get(i).sealed();
      byte[] newSealed = after.entries.get("prod").get(i).sealed();
      assertThat(java.util.Arrays.copyOf(newSealed, 12)).isNotEqualTo(java.util.Arrays.copyOf(oldSealed, 12));
    }
    assertThat(after.slots.get(0).wrappedKey()).isNotEqualTo(before.slots.get(0).wrappedKey());
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.get("prod", Label.PREVIOUS).credential()).isEqualTo(ses("AKIA1", "s1"));
      assertThat(vault.get("prod", Label.CURRENT).credential()).isEqualTo(ses("AKIA2", "s2"));
    }
  }

  @Test
  void rekeyKeepsEachPassphraseSlotsArgon2Cost() throws Exception {
    Vault.create(vaultPath(), List.of(passphrase("pw")), 5);
    // Offered with default costs, as the CLI does: the slot must keep its own.
    List<KeySource> offered = List.of(PassphraseKeySource.of("pw".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    update(offered, v -> v.rekey(false));
    try (Vault vault = Vault.open(vaultPath(), offered)) {
      assertThat(vault.keySlots().get(0).params()).containsEntry("m", "8192").containsEntry("t", "1");
    }
  }

  @Test
  void rekeyNeedsEverySlotsSourceUnlessDropping() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.addKeySource(passphrase("recovery")));
    assertThatThrownBy(() -> update(key, v -> v.rekey(false)))
        .isInstanceOf(VaultException.Conflict.class)
        .hasMessageContaining("--drop-other-sources");
    List<KeySource> both = List.of(keyFile(dir, "key"), passphrase("recovery"));
    List<String> droppedNone = update(both, v -> v.rekey(false));
    assertThat(droppedNone).isEmpty();
    try (Vault vault = Vault.open(vaultPath(), List.of(passphrase("recovery")))) {
      assertThat(vault.keySlots()).hasSize(2);
    }
    List<String> dropped = update(key, v -> v.rekey(true));
    assertThat(dropped).hasSize(1);
    assertThatThrownBy(() -> Vault.open(vaultPath(), List.of(passphrase("recovery"))))
        .isInstanceOf(VaultException.WrongKey.class);
  }

  /**
   * The recovery order of SECURITY.md for a leaked key source: `passwd` replacing it keeps the
   * data key, so a stolen copy of the vault plus the leaked key still reads every later version;
   * `rekey` offering only the new source with --drop-other-sources ends that.
   */
  @Test
  void passwdAloneLeavesALeakedKeyFileReadingLaterVersionsAndRekeyDroppingOtherSourcesEndsIt() throws Exception {
    List<KeySource> leaked = createWithKeyFile();
    update(leaked, v -> v.put("prod", ses("AKIA1", "s1")));
    VaultDocument stolenCopy = VaultCodec.read(Files.readAllBytes(vaultPath()));
    List<KeySource> fresh = List.of(keyFile(dir, "fresh.key"));

    update(leaked, v -> {
      v.addKeySource(fresh.get(0));
      v.removeKeySlot(v.openedSlotId());
      return null;
    });
    update(fresh, v -> v.put("prod", ses("AKIA2", "s2")));
    assertThat(readsCurrentVersion(stolenCopy, leaked.get(0))).as("after passwd only").isTrue();

    update(fresh, v -> v.rekey(true));
    update(fresh, v -> v.put("prod", ses("AKIA3", "s3")));

    assertThat(readsCurrentVersion(stolenCopy, leaked.get(0))).as("after rekey --drop-other-sources").isFalse();
    assertThatThrownBy(() -> Vault.open(vaultPath(), leaked)).isInstanceOf(VaultException.WrongKey.class);
    try (Vault vault = Vault.open(vaultPath(), fresh)) {
      assertThat(vault.get("prod", Label.CURRENT).credential()).isEqualTo(ses("AKIA3", "s3"));
    }
  }

  @Test
  void aRekeyThatFailsLeavesTheVaultAsItWas() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    byte[] before = Files.readAllBytes(vaultPath());
    KeySource failingRewrap = new KeySource() {
      @Override
      public String type() {
        return key.get(0).type();
      }

      @Override
      public String describe() {
        return "a source whose rewrap fails";
      }

      @Override
      public KeySlot wrap(String vaultId, byte[] dataKey) throws VaultException {
        throw new VaultException("cannot wrap");
      }

      @Override
      public java.util.Optional<byte[]> unwrap(String vaultId, KeySlot slot) throws VaultException {
        return key.get(0).unwrap(vaultId, slot);
      }
    };

    assertThatThrownBy(() -> update(List.of(failingRewrap), v -> v.rekey(false))).hasMessageContaining("cannot wrap");

    assertThat(Files.readAllBytes(vaultPath())).isEqualTo(before);
  }

  /** Whether the data key SOURCE unwraps from STOLEN's slot decrypts the current version now on disk. */
  private boolean readsCurrentVersion(VaultDocument stolen, KeySource source) throws Exception {
    byte[] dataKey = source.unwrap(stolen.vaultId, stolen.slots.get(0)).orElseThrow();
    VaultDocument now = VaultCodec.read(Files.readAllBytes(vaultPath()));
    StoredVersion current = now.entries.get("prod").stream().filter(v -> v.labels().contains(Label.CURRENT))
        .findFirst().orElseThrow();
    byte[] entryKey = dev.sesame.crypto.Hkdf.sha256(dataKey, now.vaultId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "sesame-vault/1 entry aead".getBytes(java.nio.charset.StandardCharsets.UTF_8), 32);
    byte[] ad = new Canonical().add("sesame-vault/1 entry").add(now.vaultId).add("prod").add(current.version())
        .add(current.type().wireName()).toByteArray();
    try {
      dev.sesame.crypto.Aead.create(entryKey).decrypt(current.sealed(), ad);
      return true;
    } catch (java.security.GeneralSecurityException wrongKey) {
      return false;
    }
  }

  @Test
  void pendingVersionIsPromotedToCurrentAndCurrentToPrevious() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    update(key, v -> v.put("prod", ses("AKIA2", "s2")));
    int pending = update(key, v -> v.putPending("prod", ses("AKIA3", "s3")));
    assertThat(pending).isEqualTo(3);
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.get("prod", Label.PENDING).credential()).isEqualTo(ses("AKIA3", "s3"));
      assertThat(vault.get("prod", Label.CURRENT).credential()).isEqualTo(ses("AKIA2", "s2"));
    }
    update(key, v -> {
      v.promotePending("prod");
      return null;
    });
    try (Vault vault = Vault.open(vaultPath(), key)) {
      EntryInfo info = vault.entry("prod").orElseThrow();
      assertThat(info.labelled(Label.CURRENT).orElseThrow().version()).isEqualTo(3);
      assertThat(info.labelled(Label.PREVIOUS).orElseThrow().version()).isEqualTo(2);
      assertThat(info.labelled(Label.PENDING)).isEmpty();
      assertThat(info.versions().get(0).labels()).isEmpty();
    }
  }

  @Test
  void putAndSecondPendingAreRefusedWhileARotationIsPending() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    update(key, v -> v.putPending("prod", ses("AKIA2", "s2")));
    assertThatThrownBy(() -> update(key, v -> v.put("prod", ses("AKIA3", "s3"))))
        .isInstanceOf(VaultException.Conflict.class).hasMessageContaining("--abort");
    assertThatThrownBy(() -> update(key, v -> v.putPending("prod", ses("AKIA3", "s3"))))
        .isInstanceOf(VaultException.Conflict.class);
  }

  @Test
  void droppingPendingLeavesCurrentUntouched() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    update(key, v -> v.putPending("prod", ses("AKIA2", "s2")));
    update(key, v -> {
      v.dropPending("prod");
      return null;
    });
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.entry("prod").orElseThrow().versions()).hasSize(1);
      assertThat(vault.get("prod", Label.CURRENT).credential()).isEqualTo(ses("AKIA1", "s1"));
    }
    assertThatThrownBy(() -> update(key, v -> {
      v.promotePending("prod");
      return null;
    })).isInstanceOf(VaultException.NotFound.class);
  }

  @Test
  void entryStateIsKeptAuthenticatedAndClearedWithTheEntry() throws Exception {
    List<KeySource> key = createWithKeyFile();
    update(key, v -> v.put("prod", ses("AKIA1", "s1")));
    update(key, v -> {
      v.setEntryState("prod", java.util.Map.of("rotation.token", "t-1", "rotation.step", "created"));
      return null;
    });
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.entryState("prod")).containsEntry("rotation.step", "created").hasSize(2);
    }
    String file = Files.readString(vaultPath());
    Files.writeString(vaultPath(), file.replace("\"created\"", "\"tested\""));
    assertThatThrownBy(() -> Vault.open(vaultPath(), key)).isInstanceOf(VaultException.Corrupt.class);
    Files.writeString(vaultPath(), file);
    update(key, v -> {
      v.setEntryState("prod", java.util.Map.of());
      return null;
    });
    assertThat(Files.readString(vaultPath())).doesNotContain("\"state\"");
    update(key, v -> {
      v.setEntryState("prod", java.util.Map.of("k", "v"));
      v.remove("prod");
      v.put("prod", ses("AKIA2", "s2"));
      return null;
    });
    try (Vault vault = Vault.open(vaultPath(), key)) {
      assertThat(vault.entryState("prod")).isEmpty();
    }
  }

  @Test
  void invalidEntryNamesAreRefused() throws Exception {
    List<KeySource> key = createWithKeyFile();
    for (String bad : List.of("", "a.b", "a/b", "-x", "x".repeat(65), "ü")) {
      assertThatThrownBy(() -> update(key, v -> v.put(bad, ses("AKIA1", "s1"))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void credentialToStringNeverShowsValues() {
    Credential credential = ses("AKIA1", "topsecretvalue");
    assertThat(credential.toString()).doesNotContain("topsecretvalue").doesNotContain("AKIA1").contains("REDACTED");
  }
}
