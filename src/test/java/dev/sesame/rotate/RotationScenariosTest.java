package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.ProbeOptions;
import dev.sesame.testing.TestClock;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.Credential;
import dev.sesame.vault.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation protocol in-process, wired as the CLI wires it, through the real AWS SDK against
 * the IAM/STS stand-in and the real SMTP probe against an SES stand-in that accepts exactly the
 * Active keys of that IAM.
 */
class RotationScenariosTest {
  private static final Duration SMTP_DEADLINE = Duration.ofSeconds(30);

  @RegisterExtension
  static final RotationStandExtension WORLD = new RotationStandExtension(587);

  @TempDir
  Path dir;
  private RotationStand stand;

  @BeforeEach
  void world() throws Exception {
    stand = WORLD.stand();
  }

  private Rotator rotator() {
    return stand.rotator(List.of(), SMTP_DEADLINE);
  }

  /**
   * A rotator whose SMTP proof measures DEADLINE and sleeps between attempts on CLOCK, a test clock:
   * the proof retries as it would for real, and the time it waits passes at once.
   */
  private Rotator proofOnClock(Duration deadline, TestClock clock, Clock rotatorClock) {
    return stand.rotator(List.of(), ProbeOptions.defaults().withDeadline(deadline).withTime(clock, clock),
        StandInAws.FAST_RETRIES, rotatorClock);
  }

  @Test
  void aFullRotationLeavesOnlyTheNewKeyWhichSesAccepts() throws Exception {
    Credential old = stand.version(Label.CURRENT).credential();

    assertThat(rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow())).isEqualTo(Rotator.Outcome.ROTATED);

    String newKey = stand.currentKey();
    assertThat(newKey).isNotEqualTo(stand.firstKey);
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(stand.currentWorks()).isTrue();
    assertThat(stand.works(old)).as("the deleted key is locked out").isFalse();
    assertThat(stand.ses.acceptances(newKey)).as("the test step logged in with the new key").isEqualTo(1);
    assertThat(stand.pending()).isEmpty();
  }

  @Test
  void aLostCreateAccessKeyAnswerIsRecognisedByListingAndTheRotationCompletes() throws Exception {
    // IAM creates the key, then the answer is lost (a 500): the SDK must not retry (a second key,
    // or LimitExceeded), and the key whose secret never arrived must not stay behind.
    stand.aws.standIn().faults().lostAnswer("CreateAccessKey", 1);

    assertThat(rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow())).isEqualTo(Rotator.Outcome.ROTATED);

    String newKey = stand.currentKey();
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(stand.currentWorks()).isTrue();
    assertThat(stand.aws.standIn().calls("CreateAccessKey")).as("the lost call and one more, no SDK retry")
        .isEqualTo(2);
    assertThat(stand.iamWrites()).containsExactly("CreateAccessKey", "DeleteAccessKey", "CreateAccessKey",
        "UpdateAccessKey", "DeleteAccessKey");
    assertThat(stand.progress).anyMatch(line -> line.contains("its answer was lost"));
  }

  @Test
  void ifOlderThanWithAYoungKeyMakesNoIamWriteAndChangesNothing() throws Exception {
    byte[] vaultBefore = Files.readAllBytes(stand.vault);

    Rotator.Outcome outcome = rotator().rotate(RotationStand.ENTRY,
        new Rotator.Options(Optional.of(Duration.ofDays(90)), false, Duration.ofHours(24)));

    assertThat(outcome).isEqualTo(Rotator.Outcome.NOT_DUE);
    assertThat(stand.iamWrites()).isEmpty();
    assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
    assertThat(Files.readAllBytes(stand.vault)).isEqualTo(vaultBefore);
    assertThat(stand.ses.logins()).isEmpty();
  }

  @Test
  void ifOlderThanWithAnOldKeyRotates() throws Exception {
    Clock in91Days = Clock.offset(Clock.systemUTC(), Duration.ofDays(91));
    Rotator rotator = stand.rotator(List.of(), SMTP_DEADLINE, StandInAws.FAST_RETRIES, in91Days);

    Rotator.Outcome outcome = rotator.rotate(RotationStand.ENTRY,
        new Rotator.Options(Optional.of(Duration.ofDays(90)), false, Duration.ofHours(24)));

    assertThat(outcome).isEqualTo(Rotator.Outcome.ROTATED);
    assertThat(stand.currentKey()).isNotEqualTo(stand.firstKey);
    assertThat(stand.iamWrites()).containsExactly("CreateAccessKey");
  }

  @Test
  void aSecondActiveKeyStopsTheRotationBeforeAnythingIsCreated() throws Exception {
    String other = stand.iam.createAccessKey(RotationStand.USER).accessKeyId();

    assertThatThrownBy(() -> rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow()))
        .isInstanceOfSatisfying(RotationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(e.getMessage()).contains(other).contains("sesame revoke");
        });

    assertThat(stand.iamWrites()).isEmpty();
    assertThat(stand.iamKeys()).containsExactlyInAnyOrder(stand.firstKey, other);
    assertThat(stand.iam.keysOf(RotationStand.USER)).allMatch(IamState.Key::active);
    assertThat(stand.pending()).isEmpty();
    assertThat(stand.currentKey()).isEqualTo(stand.firstKey);
  }

  @Test
  void revokeWithOneKeyDeactivatesItBeforeCreatingAndDeletesItAfter() throws Exception {
    Credential old = stand.version(Label.CURRENT).credential();

    rotator().revoke(RotationStand.ENTRY, new Rotator.Options(Optional.empty(), true, Duration.ZERO));

    assertRevokedBeforeCreated(1);
    String newKey = stand.currentKey();
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(stand.works(old)).isFalse();
    assertThat(stand.currentWorks()).isTrue();
    assertThat(stand.progress).anyMatch(line -> line.contains("deactivated " + stand.firstKey))
        .anyMatch(line -> line.contains("CloudTrail"));
  }

  @Test
  void revokeWithTwoKeysDeactivatesBothFirstAndEndsWithOnlyTheNewOne() throws Exception {
    Credential old = stand.version(Label.CURRENT).credential();
    IamState.Key leaked = stand.iam.createAccessKey(RotationStand.USER);
    stand.iam.recordUse(leaked.accessKeyId(), "ses", "us-east-1", java.time.Instant.now());

    rotator().revoke(RotationStand.ENTRY, new Rotator.Options(Optional.empty(), true, Duration.ZERO));

    assertRevokedBeforeCreated(2);
    String newKey = stand.currentKey();
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(stand.works(old)).isFalse();
    assertThat(stand.ses.wouldAccept(leaked.accessKeyId(),
        dev.sesame.ses.SmtpPassword.derive(leaked.secret(), RotationStand.REGION))).isFalse();
    assertThat(stand.progress).anyMatch(line -> line.contains("deactivated " + leaked.accessKeyId())
        && line.contains("via ses in us-east-1"));
  }

  @Test
  void aRevokeWhoseNewKeyNeverWorksKeepsTheLeakStoppedAndARerunCompletes() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));
    TestClock proofClock = new TestClock(Instant.now());

    assertThatThrownBy(() -> proofOnClock(Duration.ofSeconds(2), proofClock, Clock.systemUTC())
        .revoke(RotationStand.ENTRY, new Rotator.Options(Optional.empty(), true, Duration.ZERO)))
        .isInstanceOfSatisfying(RotationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SMTP));

    // Incident mode puts stopping the leak first: the old key stays inactive, the new one is gone.
    assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
    assertThat(stand.iam.key(stand.firstKey).orElseThrow().active()).isFalse();
    assertThat(stand.pending()).isEmpty();

    stand.iam.propagationDelay(Duration.ZERO);
    rotator().revoke(RotationStand.ENTRY, new Rotator.Options(Optional.empty(), true, Duration.ZERO));

    assertThat(stand.iamKeys()).containsExactly(stand.currentKey());
    assertThat(stand.currentWorks()).isTrue();
  }

  /**
   * The revoke's IAM writes began with one deactivation per existing key, all before the one
   * CreateAccessKey (with two keys, one revoked key is deleted first to make room: IAM allows two).
   */
  private void assertRevokedBeforeCreated(int revoked) {
    List<String> writes = stand.iamWrites();
    assertThat(writes.subList(0, revoked)).containsOnly("UpdateAccessKey");
    assertThat(writes.stream().filter("UpdateAccessKey"::equals)).hasSize(revoked);
    assertThat(writes.stream().filter("CreateAccessKey"::equals)).hasSize(1);
    assertThat(writes.subList(0, writes.indexOf("CreateAccessKey"))).doesNotContain("CreateAccessKey")
        .containsSubsequence(java.util.Collections.nCopies(revoked, "UpdateAccessKey"));
  }

  @Test
  void retireNowKeepsAPreviousKeyStillInUseAndStopsInsteadOfDeletingItToMakeRoom() throws Exception {
    Credential first = stand.version(Label.CURRENT).credential();
    rotator().rotate(RotationStand.ENTRY, RotationStand.withGrace());
    String second = stand.currentKey();
    // A forgotten server still sends with the previous key after the rotation finished.
    assertThat(stand.ses.accepts(stand.firstKey, first.field(Credential.SMTP_PASSWORD).orElseThrow())).isTrue();
    stand.aws.standIn().clearCalls();

    assertThatThrownBy(() -> rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow()))
        .isInstanceOfSatisfying(RotationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(e.getMessage()).contains(stand.firstKey);
        });

    assertThat(stand.iamKeys()).as("the key in use is kept").containsExactlyInAnyOrder(stand.firstKey, second);
    assertThat(stand.iamWrites()).doesNotContain("CreateAccessKey", "DeleteAccessKey");
    assertThat(stand.currentKey()).isEqualTo(second);
    assertThat(stand.pending()).isEmpty();
    assertThat(stand.progress).anyMatch(line -> line.contains("was used after the rotation finished"));
  }

  @Test
  void aNewKeyRefusedWhileIamPropagatesItIsRetriedUntilAccepted() throws Exception {
    // IAM, SES and the rotation share one test clock, which moves as the proof pauses between attempts.
    TestClock clock = new TestClock(Instant.now());
    stand.iam.useClock(clock);
    stand.iam.propagationDelay(Duration.ofSeconds(4));

    proofOnClock(SMTP_DEADLINE, clock, clock).rotate(RotationStand.ENTRY, RotationStand.retireNow());

    String newKey = stand.currentKey();
    assertThat(stand.ses.refusals(newKey)).as("refused while propagating").isGreaterThan(0);
    assertThat(stand.ses.acceptances(newKey)).isEqualTo(1);
    assertThat(clock.slept()).as("the proof waited out the propagation").isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(stand.iamKeys()).containsExactly(newKey);
  }

  @Test
  void smtpNeverAcceptingDeletesThePendingKeyAndKeepsCurrent() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));
    TestClock proofClock = new TestClock(Instant.now());

    assertThatThrownBy(() -> proofOnClock(Duration.ofSeconds(2), proofClock, Clock.systemUTC())
        .rotate(RotationStand.ENTRY, RotationStand.retireNow()))
        .isInstanceOfSatisfying(RotationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SMTP));

    assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
    assertThat(stand.currentKey()).isEqualTo(stand.firstKey);
    assertThat(stand.pending()).isEmpty();
    assertThat(stand.state()).doesNotContainKeys("rotation.step");
    assertThat(stand.iam.keysOf(RotationStand.USER).get(0).active()).isTrue();
  }

  @Test
  void aRotationIsNotBlockedByAFaultedIamCallForLongAndNeverLosesTheWorkingKey() throws Exception {
    // A reference run tells how many calls of each action a full rotation makes.
    Path referenceDir = Files.createDirectory(dir.resolve("ref-world"));
    try (RotationStand reference = RotationStand.start(referenceDir, WORLD.cert(), 587)) {
      reference.rotator(List.of(), SMTP_DEADLINE).rotate(RotationStand.ENTRY, RotationStand.retireNow());
      List<String> actions = reference.aws.standIn().calls().stream().map(AwsStandIn.Call::action).toList();
      assertThat(actions).contains("ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
          "GetAccessKeyLastUsed");
      faultEachCall(actions);
    }
  }

  private void faultEachCall(List<String> actions) throws Exception {
    int trial = 0;
    for (int i = 0; i < actions.size(); i++) {
      String action = actions.get(i);
      int earlier = (int) actions.subList(0, i).stream().filter(action::equals).count();
      Path trialDir = Files.createDirectory(dir.resolve("trial-" + (++trial)));
      try (RotationStand world = RotationStand.start(trialDir, WORLD.cert(), 587)) {
        // Pass the earlier calls of this action, then fail every attempt the SDK makes at this one.
        world.aws.standIn().faults().slow(action, earlier, Duration.ZERO);
        // Every attempt the SDK makes fails: throttled, then 500s, then throttled again.
        int attempts = StandInAws.FAST_RETRIES.maxAttempts();
        for (int attempt = 0; attempt < attempts; attempt++) {
          if (attempt % 2 == 0) {
            world.aws.standIn().faults().throttle(action, 1);
          } else {
            world.aws.standIn().faults().serverError(action, 1);
          }
        }
        String what = "throttling and 500s at call " + (i + 1) + " (" + action + " #"
            + (earlier + 1) + ")";
        boolean failed = false;
        try {
          world.rotator(List.of(), SMTP_DEADLINE).rotate(RotationStand.ENTRY, RotationStand.retireNow());
        } catch (RotationException e) {
          failed = true;
          assertThat(e.kind()).as(what).isEqualTo(Kind.AWS);
        }
        // The audit actor (STS) is best effort; every IAM call's failure stops the run.
        assertThat(failed).as("the run stopped on " + what).isEqualTo(!action.equals("GetCallerIdentity"));
        assertThat(world.currentWorks()).as("a working key after " + what).isTrue();
        world.aws.standIn().faults().clear();

        world.rotator(List.of(), SMTP_DEADLINE).rotate(RotationStand.ENTRY, RotationStand.retireNow());

        assertThat(world.state()).as(what).doesNotContainKeys("rotation.step", "retire.key_id");
        assertThat(world.iamKeys()).as("no orphaned key after " + what + " (failed: " + failed + ")")
            .containsExactly(world.currentKey());
        assertThat(world.currentWorks()).as(what).isTrue();
        assertThat(world.pending()).isEmpty();
      }
    }
  }
}
