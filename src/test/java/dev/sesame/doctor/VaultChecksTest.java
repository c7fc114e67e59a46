package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.crypto.Argon2id;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vault.files, vault.kdf, key.age and rotation.pending on real vault files. */
class VaultChecksTest {
  private static final CoverageTable COVERAGE = new CoverageTable("VaultChecksTest");
  @TempDir
  Path dir;
  private Path vault;
  private Path keyFile;
  private List<KeySource> keys;

  @BeforeEach
  void vault() throws Exception {
    vault = dir.resolve("sesame.vault");
    keyFile = dir.resolve("sesame.key");
    keys = List.of(KeyFileKeySource.createOrLoad(keyFile));
    Vault.create(vault, keys, 5);
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> v.put("mail", Credential.of(EntryType.SES, Map.of(
        Credential.REGION, "eu-west-1", Credential.IAM_USER, "ses-smtp", Credential.ACCESS_KEY_ID, "AKIAEXAMPLE000000001",
        Credential.SECRET_ACCESS_KEY, "secret", Credential.SMTP_USERNAME, "AKIAEXAMPLE000000001",
        Credential.SMTP_PASSWORD, "password", Credential.SMTP_HOST, "email-smtp.eu-west-1.amazonaws.com",
        Credential.SMTP_PORT, "587"))));
  }

  @AfterAll
  static void coverage() {
    COVERAGE.assertComplete();
  }

  private List<Finding> run(String id, Consumer<DoctorContext.Builder> more) throws Exception {
    DoctorContext.Builder b = DoctorContext.builder().vault(vault, VaultIndex.read(vault)).keyFile(keyFile);
    more.accept(b);
    return COVERAGE.record(new VaultChecks().run(b.build())).stream().filter(f -> f.check().equals(id)).toList();
  }

  private static Clock daysLater(long days) {
    return Clock.fixed(Instant.now().plus(Duration.ofDays(days)), ZoneOffset.UTC);
  }

  @Test
  void privateFilesOwnedByTheUserPass() throws Exception {
    assertThat(run("vault.files", b -> { })).hasSize(2).allSatisfy(f -> {
      assertThat(f.status()).isEqualTo(Status.PASS);
      assertThat(f.reason()).contains("rw-------");
    });
  }

  @Test
  void aGroupReadableKeyFileFailsWithAChmodFix() throws Exception {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    Finding key = run("vault.files", b -> { }).get(1);
    assertThat(key.status()).isEqualTo(Status.FAIL);
    assertThat(key.subject()).startsWith("key file");
    assertThat(key.fix()).isEqualTo("chmod 600 " + keyFile);
  }

  @Test
  void aVaultOwnedBySomeoneElseWarns() throws Exception {
    Files.setOwner(vault, vault.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    Finding f = run("vault.files", b -> { }).get(0);
    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.reason()).contains("owned by nobody");
  }

  @Test
  void keyFileSlotsAndFullCostPassphrasesPassWeakPassphrasesFail() throws Exception {
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> {
      v.addKeySource(PassphraseKeySource.of("strong one".getBytes(StandardCharsets.UTF_8), Argon2id.DEFAULT));
      return v.addKeySource(PassphraseKeySource.of("weak one".getBytes(StandardCharsets.UTF_8),
          new Argon2id.Params(19 * 1024, 2, 1)));
    });
    List<Finding> kdf = run("vault.kdf", b -> { });
    assertThat(kdf).extracting(Finding::status).containsExactly(Status.PASS, Status.PASS, Status.FAIL);
    assertThat(kdf.get(1).reason()).contains("argon2id m=65536 KiB t=3 p=1");
    assertThat(kdf.get(2).reason()).contains("m=19456 KiB t=2").contains("below the floor");
    assertThat(kdf.get(2).fix()).contains("sesame passwd");
  }

  @Test
  void keyAgeIsJudgedAgainstThePolicy() throws Exception {
    assertThat(run("key.age", b -> { }).get(0).status()).isEqualTo(Status.PASS);
    Finding due = run("key.age", b -> b.clock(daysLater(80))).get(0);
    assertThat(due.status()).isEqualTo(Status.WARN);
    assertThat(due.reason()).contains("due within");
    Finding old = run("key.age", b -> b.clock(daysLater(100))).get(0);
    assertThat(old.status()).isEqualTo(Status.FAIL);
    assertThat(old.reason()).contains("100 days old (policy 90 days)");
    assertThat(old.fix()).isEqualTo("sesame rotate mail");
    assertThat(run("key.age", b -> b.clock(daysLater(100)).maxKeyAge(Duration.ofDays(180))).get(0).status())
        .isEqualTo(Status.PASS);
  }

  @Test
  void aRotationLeftBehindAndAPreviousKeyPastItsGraceWarn() throws Exception {
    assertThat(run("rotation.pending", b -> { }).get(0).status()).isEqualTo(Status.PASS);
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> {
      v.setEntryState("mail", Map.of("rotation.step", "created", "rotation.started_at", "2026-01-01T00:00:00Z",
          "retire.key_id", "AKIAOLDKEY0000000001", "retire.finished_at", "2026-01-01T00:00:00Z"));
      return null;
    });
    List<Finding> pending = run("rotation.pending", b -> { });
    assertThat(pending).extracting(Finding::status).containsExactly(Status.WARN, Status.WARN);
    assertThat(pending.get(0).reason()).contains("stopped after step created");
    assertThat(pending.get(0).fix()).contains("--abort");
    assertThat(pending.get(1).reason()).contains("AKIAOLDKEY0000000001").contains("past its grace period");
  }

  @Test
  void bookkeepingSesameNeverWritesWarnsInsteadOfFailingTheRun() throws Exception {
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> {
      v.setEntryState("mail", Map.of("rotation.step", "hatching", "rotation.started_at", "yesterday"));
      return null;
    });
    List<Finding> pending = run("rotation.pending", b -> { });
    assertThat(pending).extracting(Finding::status).containsExactly(Status.WARN);
    assertThat(pending.get(0).reason()).contains("does not write");
  }

  @Test
  void aDeactivatedKeyWarnsOnlyOnceItOutlivesTheDeletionGapAndTheTwoLookUps() throws Exception {
    Instant deactivated = daysLater(10).instant();
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> {
      v.setEntryState("mail", Map.of("retire.key_id", "AKIAOLDKEY0000000001",
          "retire.finished_at", deactivated.minus(Duration.ofDays(1)).toString(),
          "retire.deactivated_at", deactivated.toString()));
      return null;
    });
    Clock twoDaysOn = Clock.fixed(deactivated.plus(Duration.ofDays(2)), ZoneOffset.UTC);
    assertThat(run("rotation.pending", b -> b.clock(twoDaysOn)).get(0).status()).isEqualTo(Status.PASS);
    Clock fourDaysOn = Clock.fixed(deactivated.plus(Duration.ofDays(4)), ZoneOffset.UTC);
    Finding late = run("rotation.pending", b -> b.clock(fourDaysOn)).get(0);
    assertThat(late.status()).isEqualTo(Status.WARN);
    assertThat(late.reason()).contains("still awaits deletion").contains("deletion gap is 24h");
    assertThat(run("rotation.pending", b -> b.clock(fourDaysOn).deleteAfter(Duration.ofDays(3))).get(0).status())
        .isEqualTo(Status.PASS);
  }

  @Test
  void aStoreEntryIsJudgedLikeTheSameVaultEntryAndItsVaultChecksSkip() throws Exception {
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> {
      v.setEntryState("mail", Map.of("rotation.step", "created", "rotation.started_at", "2026-01-01T00:00:00Z"));
      return null;
    });
    EntryHistory entry = EntryHistory.of(VaultIndex.read(vault).entries().get(0));
    String store = "sm://sesame/prod/";
    List<Finding> fromVault = COVERAGE.record(new VaultChecks().run(DoctorContext.builder()
        .vault(vault, VaultIndex.read(vault)).clock(daysLater(100)).build()));
    List<Finding> fromStore = COVERAGE.record(new VaultChecks().run(DoctorContext.builder().store(store)
        .storeEntry(entry).entryName("mail").clock(daysLater(100)).build()));

    assertThat(fromStore.subList(2, fromStore.size())).extracting(Finding::check, Finding::status, Finding::reason)
        .isEqualTo(fromVault.stream().filter(f -> f.check().equals("key.age") || f.check().equals("rotation.pending"))
            .map(f -> org.assertj.core.groups.Tuple.tuple(f.check(), f.status(), f.reason())).toList());
    assertThat(fromStore.get(2).fix()).isEqualTo("sesame rotate mail --store " + store);
    assertThat(fromStore.subList(0, 2)).extracting(Finding::check, Finding::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("vault.files", Status.SKIP),
            org.assertj.core.groups.Tuple.tuple("vault.kdf", Status.SKIP));
    List<Finding> unreadable = COVERAGE.record(new VaultChecks().run(DoctorContext.builder().store(store)
        .entryName("mail").vaultProblem("cannot read entry mail from store " + store + ": denied").build()));
    assertThat(unreadable).extracting(Finding::status).containsOnly(Status.SKIP);
    assertThat(unreadable.get(2).reason()).isEqualTo("cannot read entry mail from store " + store + ": denied");
  }

  @Test
  void withoutAVaultOrEntryTheVaultChecksSkip() throws Exception {
    List<Finding> none = COVERAGE.record(new VaultChecks().run(DoctorContext.builder().build()));
    assertThat(none).hasSize(4).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.SKIP));
    List<Finding> noEntry = run("key.age", b -> b.entryName("absent"));
    assertThat(noEntry.get(0).status()).isEqualTo(Status.SKIP);
  }
}
