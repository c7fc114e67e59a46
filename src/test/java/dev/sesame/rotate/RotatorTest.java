package dev.sesame.rotate;

import dev.sesame.vault.VaultEntryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.TestClock;
import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.SesCredentials;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.RotationState;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VersionedCredential;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation state machine against an in-memory IAM, prover and deployer. */
class RotatorTest {
  private static final Duration GRACE = Duration.ofHours(24);

  @TempDir
  Path dir;
  private Path vault;
  private List<KeySource> keys;
  private TestClock clock;
  private FakeIam iam;
  private final List<String> proved = new ArrayList<>();
  private final List<String> deployed = new ArrayList<>();
  private boolean smtpAccepts = true;
  private boolean deployFails;
  private String firstKey;

  @BeforeEach
  void vaultWithOneSesKey() throws Exception {
    vault = dir.resolve("vault.json");
    keys = List.of(KeyFileKeySource.createOrLoad(dir.resolve("key")));
    Vault.create(vault, keys, 5);
    clock = new TestClock(Instant.now());
    iam = new FakeIam(clock);
    firstKey = iam.addKey(true);
    Credential first = SesCredentials.fromAccessKey("eu-west-1", "ses-smtp", firstKey, iam.secrets.get(firstKey), 587);
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> v.put("prod", first));
  }

  private Rotator rotator() {
    CredentialProver prover = candidate -> {
      String id = candidate.field(Credential.ACCESS_KEY_ID).orElseThrow();
      proved.add(id);
      if (!smtpAccepts || !iam.isUsable(id)) {
        throw new RotationException(Kind.SMTP, "SES rejected the SMTP login (535)");
      }
    };
    Deployer deployer = (entry, candidate) -> {
      if (deployFails) {
        throw new RotationException(Kind.CHECK, "deploy: check rejected the candidate");
      }
      deployed.add(candidate.credential().field(Credential.ACCESS_KEY_ID).orElseThrow());
    };
    return new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, prover, deployer, clock, line -> { });
  }

  private Rotator.Options options(boolean retireNow) {
    return new Rotator.Options(Optional.empty(), retireNow, GRACE);
  }

  private VersionedCredential version(Label label) throws Exception {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.get("prod", label);
    }
  }

  private String currentKey() throws Exception {
    return version(Label.CURRENT).credential().field(Credential.ACCESS_KEY_ID).orElseThrow();
  }

  private boolean hasPending() throws Exception {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.entry("prod").orElseThrow().labelled(Label.PENDING).isPresent();
    }
  }

  @Test
  void scheduledRotationMakesTheTestedDeployedKeyCurrentAndKeepsTheOldOneForTheGrace() throws Exception {
    assertThat(rotator().rotate("prod", options(false))).isEqualTo(Rotator.Outcome.ROTATED);
    String newKey = currentKey();
    assertThat(newKey).isNotEqualTo(firstKey);
    assertThat(version(Label.PREVIOUS).credential().field(Credential.ACCESS_KEY_ID)).contains(firstKey);
    assertThat(proved).containsExactly(newKey);
    assertThat(deployed).containsExactly(newKey);
    assertThat(iam.activeKeys()).containsExactlyInAnyOrder(firstKey, newKey);
    assertThat(version(Label.CURRENT).credential().field(Credential.SMTP_PASSWORD))
        .contains(dev.sesame.ses.SmtpPassword.derive(iam.secrets.get(newKey), "eu-west-1"));
  }

  @Test
  void laterRunsDeactivateAfterTheGraceThenDeleteIfUnused() throws Exception {
    rotator().rotate("prod", options(false));
    String newKey = currentKey();
    Rotator.Options daily = new Rotator.Options(Optional.of(Duration.ofDays(90)), false, GRACE);
    clock.advance(Duration.ofHours(2));
    assertThat(rotator().rotate("prod", daily)).isEqualTo(Rotator.Outcome.NOT_DUE);
    assertThat(iam.activeKeys()).contains(firstKey);
    clock.advance(GRACE);
    rotator().rotate("prod", daily);
    assertThat(iam.keys).containsKey(firstKey);
    assertThat(iam.activeKeys()).containsExactly(newKey);
    clock.advance(Duration.ofHours(1));
    rotator().rotate("prod", daily);
    assertThat(iam.keys).as("first look-up without use: only recorded").containsKey(firstKey);
    clock.advance(Duration.ofHours(22));
    rotator().rotate("prod", daily);
    assertThat(iam.keys).as("within the deletion gap after the deactivation").containsKey(firstKey);
    clock.advance(Duration.ofHours(1));
    rotator().rotate("prod", daily);
    assertThat(iam.keys).containsOnlyKeys(newKey);
  }

  @Test
  void aUseThatShowsUpOnlyAtTheSecondLookUpKeepsTheDeactivatedKey() throws Exception {
    rotator().rotate("prod", options(false));
    Instant finished = clock.instant();
    Rotator.Options daily = new Rotator.Options(Optional.of(Duration.ofDays(90)), false, GRACE);
    clock.advance(GRACE.plusHours(1));
    rotator().rotate("prod", daily);
    clock.advance(Duration.ofHours(1));
    rotator().rotate("prod", daily);
    assertThat(iam.keys).containsKey(firstKey);
    // IAM's last-use record catches up late with a use from just before the deactivation.
    iam.uses.put(firstKey, new KeyLifecycle.KeyUse(finished.plus(GRACE), "ses", "eu-west-1"));
    clock.advance(Duration.ofDays(2));
    rotator().rotate("prod", daily);
    assertThat(iam.keys).containsKey(firstKey);
    assertThat(iam.activeKeys()).doesNotContain(firstKey);
  }

  @Test
  void aShorterDeletionGapIsHonouredAndStillNeedsTwoLookUps() throws Exception {
    rotator().rotate("prod", options(false));
    Rotator.Options daily = new Rotator.Options(Optional.of(Duration.ofDays(90)), false, GRACE);
    clock.advance(GRACE.plusHours(1));
    rotator().withDeleteAfter(Duration.ofHours(2)).rotate("prod", daily);
    clock.advance(Duration.ofHours(1));
    rotator().withDeleteAfter(Duration.ofHours(2)).rotate("prod", daily);
    assertThat(iam.keys).containsKey(firstKey);
    clock.advance(Duration.ofHours(1));
    rotator().withDeleteAfter(Duration.ofHours(2)).rotate("prod", daily);
    assertThat(iam.keys).doesNotContainKey(firstKey);
  }

  @Test
  void aPreviousKeyUsedAfterTheRotationIsReportedAndKept() throws Exception {
    rotator().rotate("prod", options(false));
    Rotator.Options daily = new Rotator.Options(Optional.of(Duration.ofDays(90)), false, GRACE);
    clock.advance(GRACE.plusHours(1));
    rotator().rotate("prod", daily);
    iam.uses.put(firstKey, new KeyLifecycle.KeyUse(clock.instant(), "ses", "eu-west-1"));
    clock.advance(Duration.ofDays(1));
    List<String> lines = new ArrayList<>();
    new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, c -> { }, Deployer.NONE, clock, lines::add).rotate("prod", daily);
    assertThat(iam.keys).containsKey(firstKey);
    assertThat(lines).anyMatch(line -> line.contains("was used after the rotation finished") && line.contains("ses"));
  }

  @Test
  void retireNowDeletesThePreviousKeyAtOnce() throws Exception {
    rotator().rotate("prod", options(true));
    assertThat(iam.keys).containsOnlyKeys(currentKey());
  }

  @Test
  void retireNowWaitsTheDrainAfterTheDeployBeforeDeactivating() throws Exception {
    List<String> events = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    Deployer deployer = (entry, candidate) -> events.add("deployed (restarts and health checks done)");
    Rotator rotator = new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, c -> { }, deployer, clock, lines::add)
        .withSleeper(d -> events.add("drain " + d + ", previous key active: " + iam.activeKeys().contains(firstKey)));

    rotator.rotate("prod", new Rotator.Options(Optional.empty(), true, GRACE, Duration.ofSeconds(5)));

    assertThat(events).containsExactly("deployed (restarts and health checks done)",
        "drain PT5S, previous key active: true");
    assertThat(iam.keys).containsOnlyKeys(currentKey());
    assertThat(lines).anyMatch(line -> line.contains("stays active for 5s while mail in flight with it drains"));
  }

  @Test
  void revokeDeactivatesAtOnceWithoutADrain() throws Exception {
    List<String> slept = new ArrayList<>();
    rotator().withSleeper(d -> slept.add(d.toString()))
        .revoke("prod", new Rotator.Options(Optional.empty(), true, Duration.ZERO, Duration.ofSeconds(5)));
    assertThat(slept).isEmpty();
    assertThat(iam.keys).containsOnlyKeys(currentKey());
  }

  @Test
  void theGracePeriodIsPrintedInItsOwnUnit() throws Exception {
    List<String> lines = new ArrayList<>();
    new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, c -> { }, Deployer.NONE, clock, lines::add)
        .rotate("prod", new Rotator.Options(Optional.empty(), false, Duration.ofSeconds(1)));
    assertThat(lines).anyMatch(line -> line.contains("grace period (1s, until "));
  }

  @Test
  void aLaterShorterGraceDoesNotCutTheRecordedGracePeriod() throws Exception {
    rotator().rotate("prod", options(false));
    clock.advance(Duration.ofHours(1));
    List<String> lines = new ArrayList<>();
    new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, c -> { }, Deployer.NONE, clock, lines::add)
        .rotate("prod", new Rotator.Options(Optional.of(Duration.ofDays(90)), false, Duration.ofSeconds(1)));
    assertThat(iam.activeKeys()).as("23 h of the recorded 24 h are left").contains(firstKey);
    assertThat(lines).anyMatch(line -> line.contains("stays active until"));
  }

  @Test
  void aRetireNowRerunDoesNotSayTheKeyItIsAboutToDeleteStaysActive() throws Exception {
    iam.failNext("deactivate", 1);
    assertThatThrownBy(() -> rotator().rotate("prod", options(true))).isInstanceOf(RotationException.class);
    List<String> lines = new ArrayList<>();
    new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, c -> { }, Deployer.NONE, clock, lines::add)
        .rotate("prod", options(true));
    assertThat(iam.keys).containsOnlyKeys(currentKey());
    assertThat(lines).noneMatch(line -> line.contains("stays active until"));
  }

  @Test
  void ifOlderThanDoesNothingWhileTheKeyIsYoung() throws Exception {
    Rotator.Options options = new Rotator.Options(Optional.of(Duration.ofDays(90)), false, GRACE);
    assertThat(rotator().rotate("prod", options)).isEqualTo(Rotator.Outcome.NOT_DUE);
    assertThat(iam.calls).isEmpty();
    clock.advance(Duration.ofDays(91));
    assertThat(rotator().rotate("prod", options)).isEqualTo(Rotator.Outcome.ROTATED);
  }

  @Test
  void twoActiveKeysStopTheRotationAndTouchNothing() throws Exception {
    String other = iam.addKey(true);
    assertThatThrownBy(() -> rotator().rotate("prod", options(false)))
        .isInstanceOf(RotationException.class)
        .satisfies(e -> assertThat(((RotationException) e).kind()).isEqualTo(Kind.CONFLICT))
        .hasMessageContaining("two active access keys").hasMessageContaining("sesame revoke prod")
        .hasMessageContaining("; never used)").hasMessageNotContaining("last used never");
    assertThat(iam.keys).containsOnlyKeys(firstKey, other);
    assertThat(currentKey()).isEqualTo(firstKey);
    try (Vault opened = Vault.open(vault, keys)) {
      assertThat(opened.entryState("prod")).as("no stopped rotation left at 'creating'")
          .doesNotContainKey(RotationState.STEP);
    }
  }

  @Test
  void anInactiveOtherKeyIsDeletedToMakeRoom() throws Exception {
    String other = iam.addKey(false);
    rotator().rotate("prod", options(false));
    assertThat(iam.keys).doesNotContainKey(other).hasSize(2);
  }

  @Test
  void smtpNeverAcceptingAbortsWithThePendingKeyDeletedAndCurrentUntouched() throws Exception {
    smtpAccepts = false;
    assertThatThrownBy(() -> rotator().rotate("prod", options(false)))
        .satisfies(e -> assertThat(((RotationException) e).kind()).isEqualTo(Kind.SMTP));
    assertThat(iam.keys).containsOnlyKeys(firstKey);
    assertThat(currentKey()).isEqualTo(firstKey);
    assertThat(hasPending()).isFalse();
    assertThat(deployed).isEmpty();
  }

  @Test
  void aFailedDeployDeletesThePendingKeyAndKeepsCurrent() throws Exception {
    deployFails = true;
    assertThatThrownBy(() -> rotator().rotate("prod", options(false)))
        .satisfies(e -> assertThat(((RotationException) e).kind()).isEqualTo(Kind.CHECK));
    assertThat(iam.keys).containsOnlyKeys(firstKey);
    assertThat(currentKey()).isEqualTo(firstKey);
    assertThat(hasPending()).isFalse();
  }

  @Test
  void anIamFaultAtAnyCallLeavesAWorkingKeyAndARerunCompletesWithoutOrphans() throws Exception {
    for (String operation : List.of("list", "create", "lastUsed", "deactivate", "delete")) {
      Files.deleteAll(dir);
      vaultWithOneSesKey();
      iam.failNext(operation, 1);
      try {
        rotator().rotate("prod", options(true));
      } catch (RotationException expected) {
        assertThat(expected.kind()).isIn(Kind.AWS);
      }
      assertThat(iam.activeKeys()).as("after a fault in %s", operation).isNotEmpty();
      assertThat(iam.isUsable(currentKey())).isTrue();
      rotator().rotate("prod", options(true));
      assertThat(hasPending()).isFalse();
      assertThat(iam.keys).as("after rerun, fault in %s", operation).containsOnlyKeys(currentKey());
    }
  }

  @Test
  void aRunKilledAtEachStepBoundaryIsCompletedByTheNextRun() throws Exception {
    for (String crashPoint : List.of("create", "prove", "deploy")) {
      Files.deleteAll(dir);
      vaultWithOneSesKey();
      if (crashPoint.equals("create")) {
        iam.crashAfterNext("create");
      }
      String when = crashPoint;
      Rotator killed = new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, candidate -> {
        if (when.equals("prove")) {
          throw new FakeIam.Crash();
        }
      }, (entry, candidate) -> {
        if (when.equals("deploy")) {
          throw new FakeIam.Crash();
        }
      }, clock, line -> { });
      assertThatThrownBy(() -> killed.rotate("prod", options(true))).isInstanceOf(FakeIam.Crash.class);
      assertThat(iam.isUsable(currentKey())).as("current still works after a crash in %s", crashPoint).isTrue();
      assertThat(rotator().rotate("prod", options(true))).isEqualTo(Rotator.Outcome.ROTATED);
      assertThat(iam.keys).as("no orphan after a crash in %s", crashPoint).containsOnlyKeys(currentKey());
      assertThat(currentKey()).isNotEqualTo(firstKey);
    }
  }

  @Test
  void aRetireNowRunStoppedBeforeRetiringIsCompletedByTheRerunWithoutASecondRotation() throws Exception {
    iam.failNext("deactivate", 1);
    assertThatThrownBy(() -> rotator().rotate("prod", options(true))).isInstanceOf(RotationException.class);
    String rotatedTo = currentKey();
    assertThat(rotatedTo).isNotEqualTo(firstKey);
    assertThat(iam.keys).containsOnlyKeys(firstKey, rotatedTo);

    assertThat(rotator().rotate("prod", options(true))).isEqualTo(Rotator.Outcome.ROTATED);

    assertThat(currentKey()).as("the rerun only retired; no second rotation").isEqualTo(rotatedTo);
    assertThat(iam.keys).containsOnlyKeys(rotatedTo);
    assertThat(iam.calls.stream().filter("create"::equals).count()).isEqualTo(1);

    assertThat(rotator().rotate("prod", options(true))).isEqualTo(Rotator.Outcome.ROTATED);
    assertThat(currentKey()).as("a later --retire-now run rotates again").isNotEqualTo(rotatedTo);
  }

  @Test
  void aStalePendingBlocksPutUntilAbortCleansItUp() throws Exception {
    Rotator killed = new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, c -> {
      throw new FakeIam.Crash();
    }, Deployer.NONE, clock, line -> { });
    assertThatThrownBy(() -> killed.rotate("prod", options(false))).isInstanceOf(FakeIam.Crash.class);
    assertThat(hasPending()).isTrue();
    Credential same = version(Label.CURRENT).credential();
    assertThatThrownBy(() -> Vault.update(vault, keys, Duration.ofSeconds(5), v -> v.put("prod", same)))
        .hasMessageContaining("--abort");
    assertThat(rotator().abort("prod")).isEqualTo(Rotator.Outcome.ABORTED);
    assertThat(hasPending()).isFalse();
    assertThat(iam.keys).containsOnlyKeys(firstKey);
    assertThat(rotator().abort("prod")).isEqualTo(Rotator.Outcome.NOTHING_TO_ABORT);
  }

  @Test
  void revokeDeactivatesEveryKeyBeforeCreatingAndDeletesThemAfter() throws Exception {
    String second = iam.addKey(true);
    List<String> lines = new ArrayList<>();
    Rotator rotator = new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), clock), iam, candidate -> {
      assertThat(iam.isUsable(firstKey)).as("old keys are off before the new one is tested").isFalse();
      assertThat(iam.isUsable(second)).isFalse();
    }, Deployer.NONE, clock, lines::add);
    rotator.revoke("prod", options(false));
    int firstCreate = iam.calls.indexOf("create");
    assertThat(iam.calls.subList(0, firstCreate)).contains("deactivate");
    assertThat(iam.keys).containsOnlyKeys(currentKey());
    assertThat(iam.activeKeys()).containsExactly(currentKey());
    assertThat(lines).anyMatch(line -> line.contains("CloudTrail"));
  }

  @Test
  void revokeWithOneKeyWorksToo() throws Exception {
    rotator().revoke("prod", options(false));
    assertThat(currentKey()).isNotEqualTo(firstKey);
    assertThat(iam.keys).containsOnlyKeys(currentKey());
  }

  @Test
  void auditRecordsEveryStepWithoutSecretsOrFullKeyIds() throws Exception {
    rotator().rotate("prod", options(true));
    List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("vault.json.audit"));
    assertThat(lines).extracting(line -> line.replaceAll(".*\"step\":\"([a-z]+)\".*", "$1"))
        .containsSubsequence("begin", "create", "test", "deploy", "finish", "retire");
    String all = String.join("\n", lines);
    for (String id : iam.secrets.keySet()) {
      assertThat(all).doesNotContain(id).doesNotContain(iam.secrets.get(id));
    }
    assertThat(all).contains("arn:aws:iam::123456789012:user/rotator");
  }

  /** Resets the temp folder between loop iterations inside one test. */
  private static final class Files {
    static void deleteAll(Path dir) throws java.io.IOException {
      try (var paths = java.nio.file.Files.list(dir)) {
        for (Path path : paths.toList()) {
          java.nio.file.Files.delete(path);
        }
      }
    }
  }
}
