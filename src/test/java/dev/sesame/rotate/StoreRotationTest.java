package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.TestClock;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerEntryStore;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.aws.StoreProtection;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.ses.ProbeOptions;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.SecretsManagerHandler;
import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation of an entry kept in the Secrets Manager store, through the real SDK against the AWS
 * stand-in and a real SMTP AUTH over STARTTLS against the SES stand-in (which accepts exactly
 * the IAM user's Active keys): the new key is the AWSPENDING version whose ClientRequestToken is
 * the rotation token, finishing moves AWSCURRENT to it and AWSPREVIOUS to the old one, and the
 * bookkeeping lives in the secret's tags. Also the two windows where a killed run leaves the
 * version written but the tags behind.
 */
class StoreRotationTest {
  /** The one tag a finished rotation leaves: when it finished (for `sesame metrics`). */
  private static final String LAST_ROTATION = "sesame:last_rotation.finished_at";

  private static final String STORE = "sm://sesame/prod/";
  private static final String SECRET = "sesame/prod/" + RotationStand.ENTRY;
  private static StandCertificate cert;

  @TempDir
  static Path certDir;

  @TempDir
  Path dir;

  private RotationStand stand;
  private AwsClients clients;
  private SecretsManagerStore store;
  private List<KeySource> openers;
  private SecretsManagerHandler sm;
  private AwsStandIn standIn;
  private TestClock clock;
  private final List<String> deployed = new ArrayList<>();

  @BeforeAll
  static void certificate() throws Exception {
    cert = StandCertificate.create(certDir);
  }

  @BeforeEach
  void storeEntryWithTheFirstKey() throws Exception {
    stand = RotationStand.start(dir, cert, 587);
    standIn = stand.aws.standIn();
    sm = standIn.secretsManager();
    clients = stand.aws.clients();
    store = stand.storeWithCurrentKey(STORE, "sesame-store");
    openers = stand.storeOpeners();
    clock = new TestClock(java.time.Instant.now());
    standIn.clearCalls();
  }

  @AfterEach
  void stop() {
    stand.close();
  }

  private Rotator rotator() {
    SecretsManagerEntryStore storage = new SecretsManagerEntryStore(store, STORE, openers, dir.resolve("state"), clock);
    Deployer recordDeploy = (entry, candidate) -> deployed.add(keyOf(candidate.credential()));
    return new Rotator(storage, new AwsKeyLifecycle(clients),
        new SmtpCredentialProver(stand.probeSettings(), Duration.ofSeconds(30), line -> { }),
        recordDeploy, clock, stand.progress::add);
  }

  private static Rotator.Options grace() {
    return new Rotator.Options(Optional.empty(), false, Duration.ofHours(24));
  }

  @Test
  void aRotationMovesAwsCurrentToTheNewKeyWhoseVersionIdIsTheRotationToken() throws Exception {
    String oldKey = stand.firstKey;
    Map<String, Set<String>> before = sm.stages(SECRET);

    rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow());
    assertThat(sm.getValueStages()).as("every GetSecretValue names its staging label").isNotEmpty()
        .doesNotContainNull();

    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    StoredEntry previous = store.read(RotationStand.ENTRY, Label.PREVIOUS, openers);
    String newKey = keyOf(current.credential());
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(keyOf(previous.credential())).isEqualTo(oldKey);
    assertThat(previous.versionId()).isEqualTo(before.keySet().iterator().next());
    assertThat(sm.stages(SECRET)).containsOnlyKeys(current.versionId(), previous.versionId());
    assertThat(sm.stages(SECRET).get(current.versionId())).containsExactly("AWSCURRENT");
    assertThat(current.sealed()).as("sealed like the version it replaces").isTrue();
    assertThat(current.slots()).extracting(s -> s.type()).containsExactly(KmsKeySource.TYPE);
    assertThat(secretString(current.versionId())).doesNotContain(current.credential().field(Credential.SMTP_PASSWORD)
        .orElseThrow());
    assertThat(ids(stand.iam.keysOf(RotationStand.USER))).containsExactly(newKey);
    assertThat(deployed).containsExactly(newKey);
    assertThat(sm.tags(SECRET)).as("nothing left to do").containsOnlyKeys(LAST_ROTATION);
    // The version was written once, as AWSPENDING with the rotation token, and then promoted.
    assertThat(standIn.calls("PutSecretValue")).isEqualTo(1);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))))
        .as("state dir made by the first lock").isEqualTo("rwx------");
    List<String> audit = new AuditLog(dir.resolve("state").resolve("store-sesame_prod_"), clock).lines();
    assertThat(String.join("\n", audit)).contains("\"finish\"").doesNotContain(newKey).doesNotContain(oldKey)
        .contains(AuditLog.keyHint(newKey));
  }

  @Test
  void theOldKeyStaysActiveForTheGraceAndItsRetirementIsRecordedInTags() throws Exception {
    String oldKey = stand.firstKey;
    rotator().rotate(RotationStand.ENTRY, grace());

    assertThat(sm.tags(SECRET)).containsEntry("sesame:retire.key_id", oldKey)
        .containsKey("sesame:retire.finished_at").doesNotContainKeys("sesame:rotation.step");
    assertThat(stand.iam.key(oldKey).orElseThrow().active()).isTrue();

    rotator().rotate(RotationStand.ENTRY, new Rotator.Options(Optional.of(Duration.ofDays(90)), false,
        Duration.ofHours(24)));
    assertThat(stand.iam.key(oldKey).orElseThrow().active()).as("still in its grace period").isTrue();

    clock.advance(Duration.ofHours(25));
    rotator().rotate(RotationStand.ENTRY, new Rotator.Options(Optional.of(Duration.ofDays(90)), false,
        Duration.ofHours(24)));
    assertThat(stand.iam.key(oldKey).orElseThrow().active()).isFalse();
    assertThat(sm.tags(SECRET)).containsKey("sesame:retire.deactivated_at");

    clock.advance(Duration.ofHours(1));
    rotator().rotate(RotationStand.ENTRY, new Rotator.Options(Optional.of(Duration.ofDays(90)), false,
        Duration.ofHours(24)));
    assertThat(stand.iam.key(oldKey)).as("first look-up without use: recorded, deletion waits").isPresent();
    assertThat(sm.tags(SECRET)).containsKey("sesame:retire.unused_seen_at");

    clock.advance(Duration.ofHours(24));
    rotator().rotate(RotationStand.ENTRY, new Rotator.Options(Optional.of(Duration.ofDays(90)), false,
        Duration.ofHours(24)));
    assertThat(stand.iam.key(oldKey)).isEmpty();
    assertThat(sm.tags(SECRET)).containsOnlyKeys(LAST_ROTATION);
  }

  @Test
  void aRunStoppedAfterWritingThePendingVersionResumesWithoutASecondKeyOrVersion() throws Exception {
    // The tag write after PutSecretValue fails, as a kill there would leave it: step tag "creating".
    Rotator rotator = rotator();
    armAfter("PutSecretValue", () -> standIn.faults().serverError("TagResource", 20));

    assertThatThrownBy(() -> rotator.rotate(RotationStand.ENTRY, RotationStand.retireNow()))
        .isInstanceOf(Exception.class);
    standIn.faults().clear();
    assertThat(sm.tags(SECRET)).containsEntry("sesame:rotation.step", "creating");
    String pendingVersion = sm.stages(SECRET).entrySet().stream().filter(e -> e.getValue().contains("AWSPENDING"))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    assertThat(pendingVersion).isEqualTo(sm.tags(SECRET).get("sesame:rotation.token"));

    rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow());

    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    assertThat(current.versionId()).isEqualTo(pendingVersion);
    assertThat(ids(stand.iam.keysOf(RotationStand.USER))).containsExactly(keyOf(current.credential()));
    assertThat(standIn.calls("CreateAccessKey")).isEqualTo(1);
    assertThat(standIn.calls("PutSecretValue")).isEqualTo(1);
  }

  @Test
  void aRunStoppedBetweenMovingAwsCurrentAndClearingTheTagsStillRetiresTheOldKey() throws Exception {
    String oldKey = stand.firstKey;
    armAfter("UpdateSecretVersionStage", () -> standIn.faults().serverError("UntagResource", 20));

    assertThatThrownBy(() -> rotator().rotate(RotationStand.ENTRY, grace())).isInstanceOf(Exception.class);
    standIn.faults().clear();
    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    assertThat(sm.tags(SECRET)).as("the rotation is still recorded")
        .containsEntry("sesame:rotation.token", current.versionId());

    rotator().rotate(RotationStand.ENTRY, grace());

    assertThat(sm.tags(SECRET)).containsEntry("sesame:retire.key_id", oldKey).doesNotContainKey("sesame:rotation.step");
    assertThat(store.read(RotationStand.ENTRY, Label.CURRENT, openers).versionId()).isEqualTo(current.versionId());
    assertThat(keyOf(store.read(RotationStand.ENTRY, Label.PREVIOUS, openers).credential())).isEqualTo(oldKey);
    assertThat(standIn.calls("CreateAccessKey")).isEqualTo(1);
  }

  /**
   * The SMTP proof for a new key that SES refuses throughout: a 1 s deadline measured, and the pauses
   * between attempts slept, on a test clock, so the proof retries without waiting in real time.
   */
  private SmtpCredentialProver refusedProver() {
    TestClock proofClock = new TestClock(Instant.now());
    return new SmtpCredentialProver(stand.probeSettings(),
        ProbeOptions.defaults().withDeadline(Duration.ofSeconds(1)).withTime(proofClock, proofClock), l -> { }, l -> { });
  }

  @Test
  void aFailedSmtpTestLeavesAwsCurrentAndDeletesTheNewKeyAndThePendingLabel() throws Exception {
    Map<String, Set<String>> before = sm.stages(SECRET);
    stand.iam.propagationDelay(Duration.ofHours(1));

    assertThatThrownBy(() -> new Rotator(new SecretsManagerEntryStore(store, STORE, openers, dir.resolve("state"), clock),
        new AwsKeyLifecycle(clients), refusedProver(),
        Deployer.NONE, clock, l -> { }).rotate(RotationStand.ENTRY, RotationStand.retireNow()))
        .isInstanceOf(RotationException.class);

    assertThat(sm.stages(SECRET).values()).noneMatch(stages -> stages.contains("AWSPENDING"));
    assertThat(sm.stages(SECRET).entrySet()).filteredOn(e -> e.getValue().contains("AWSCURRENT"))
        .extracting(Map.Entry::getKey).containsExactlyElementsOf(before.keySet());
    assertThat(ids(stand.iam.keysOf(RotationStand.USER))).containsExactly(stand.firstKey);
    assertThat(sm.tags(SECRET)).isEmpty();
  }

  @Test
  void aRollbackCutShortBeforeDroppingAwsPendingIsRepairedByTheNextRunEvenWhenNothingIsDue() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));
    standIn.faults().serverError("UpdateSecretVersionStage", 50); // the label removal never lands, as a kill there
    Rotator failing = new Rotator(new SecretsManagerEntryStore(store, STORE, openers, dir.resolve("state"), clock),
        new AwsKeyLifecycle(clients), refusedProver(),
        Deployer.NONE, clock, l -> { });
    assertThatThrownBy(() -> failing.rotate(RotationStand.ENTRY, grace())).isInstanceOf(Exception.class);
    standIn.faults().clear();
    stand.iam.propagationDelay(Duration.ZERO);
    String stale = sm.stages(SECRET).entrySet().stream().filter(e -> e.getValue().contains("AWSPENDING"))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    assertThat(sm.tags(SECRET)).as("the bookkeeping was cleared first").isEmpty();
    String lambda = "arn:aws:lambda:eu-west-1:123456789012:function:sesame-rotation";
    assertThatThrownBy(() -> clients.secretsManager().rotateSecret(r -> r.secretId(SECRET).rotationLambdaARN(lambda)))
        .as("Secrets Manager refuses to rotate while AWSPENDING is on another version than AWSCURRENT")
        .hasMessageContaining("previous rotation isn't complete");

    Rotator.Outcome outcome = rotator().rotate(RotationStand.ENTRY,
        new Rotator.Options(Optional.of(Duration.ofDays(36500)), false, Duration.ofHours(24)));

    assertThat(outcome).isEqualTo(Rotator.Outcome.NOT_DUE);
    assertThat(sm.stages(SECRET)).doesNotContainKey(stale);
    assertThat(sm.stages(SECRET).values()).noneMatch(stages -> stages.contains("AWSPENDING"));
    assertThat(stand.progress).anyMatch(line -> line.contains("no rotation records"));
    assertThat(clients.secretsManager().rotateSecret(r -> r.secretId(SECRET).rotationLambdaARN(lambda)).versionId())
        .isNotBlank();
    assertThat(ids(stand.iam.keysOf(RotationStand.USER))).containsExactly(stand.firstKey);
  }

  @Test
  void abortingAPendingVersionThatHoldsTheCurrentKeyDropsTheLabelButNeverTheKey() throws Exception {
    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    store.write(RotationStand.ENTRY, current.credential(), List.of(KmsKeySource.create(clients, "alias/sesame-store")),
        true);

    assertThat(rotator().abort(RotationStand.ENTRY)).isEqualTo(Rotator.Outcome.ABORTED);

    assertThat(sm.stages(SECRET).values()).noneMatch(stages -> stages.contains("AWSPENDING"));
    assertThat(ids(stand.iam.keysOf(RotationStand.USER))).containsExactly(stand.firstKey);
  }

  @Test
  void revokeDeactivatesEveryKeyFirstAndFinishesOnANewOne() throws Exception {
    rotator().revoke(RotationStand.ENTRY, new Rotator.Options(Optional.empty(), true, Duration.ZERO));

    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    assertThat(ids(stand.iam.keysOf(RotationStand.USER))).containsExactly(keyOf(current.credential()));
    assertThat(stand.iam.key(stand.firstKey)).isEmpty();
    assertThat(sm.tags(SECRET)).containsOnlyKeys(LAST_ROTATION);
  }

  @Test
  void aStoreConfiguredPlainStaysPlainAndAHandSetSmtpHostSurvives() throws Exception {
    Credential first = stand.version(Label.CURRENT).credential();
    Map<String, String> fields = new HashMap<>(first.fields());
    fields.put(Credential.SMTP_HOST, RotationStand.SES_HOST);
    store.write(RotationStand.ENTRY, Credential.of(first.type(), fields), List.of(), false);
    store = SecretsManagerStore.at(STORE, clients, clock, StoreProtection.plain());

    rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow());

    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, List.of());
    assertThat(current.sealed()).isFalse();
    assertThat(current.credential().field(Credential.SMTP_HOST)).contains(RotationStand.SES_HOST);
    assertThat(keyOf(current.credential())).isNotEqualTo(stand.firstKey);
  }

  @Test
  void aPlainValueWrittenOverTheSealedEntryStopsTheRotationBeforeAnyNewKeyOrUnsealedWrite() throws Exception {
    store.write(RotationStand.ENTRY, stand.version(Label.CURRENT).credential(), List.of(), false);
    standIn.clearCalls();

    assertThatThrownBy(() -> rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow()))
        .isInstanceOf(VaultException.Corrupt.class).hasMessageContaining("plain value");

    assertThat(standIn.calls("CreateAccessKey")).isZero();
    assertThat(standIn.calls("PutSecretValue")).isZero();
    assertThat(sm.stages(SECRET).values()).noneMatch(stages -> stages.contains("AWSPENDING"));
  }

  @Test
  void aSealedRotatorSealsTheNewVersionUnderItsOwnKeyWhateverTheCurrentValueNames() throws Exception {
    String otherKey = standIn.kms().createKey();
    store.write(RotationStand.ENTRY, stand.version(Label.CURRENT).credential(),
        List.of(dev.sesame.aws.KmsKeySource.create(clients, otherKey)), false);
    openers = stand.storeOpeners(); // this rotator trusts both keys for reading

    rotator().rotate(RotationStand.ENTRY, RotationStand.retireNow());

    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    assertThat(current.sealed()).isTrue();
    assertThat(current.slots()).extracting(slot -> slot.params().get("key-arn")).hasSize(1)
        .noneMatch(arn -> arn.endsWith(otherKey));
  }

  @Test
  void statusShowsTheStoreVersionsByIdWithTheirLabelsAndIamKeys() throws Exception {
    rotator().rotate(RotationStand.ENTRY, grace());
    SecretsManagerEntryStore storage = new SecretsManagerEntryStore(store, STORE, openers, dir.resolve("state"), clock);

    List<String> lines = EntryStatus.read(storage, RotationStand.ENTRY, new AwsKeyLifecycle(clients))
        .describe(clock.instant());

    String text = String.join("\n", lines);
    StoredEntry current = store.read(RotationStand.ENTRY, Label.CURRENT, openers);
    assertThat(text).contains(current.versionId()).contains("current").contains("previous")
        .contains("retiring previous key " + stand.firstKey)
        .doesNotContain(current.credential().field(Credential.SMTP_PASSWORD).orElseThrow());
    assertThat(lines).filteredOn(l -> l.contains(stand.firstKey) && l.contains("Active")).hasSize(1);
  }

  /** Runs ARM right after the next successful call of ACTION, from the stand-in's call log. */
  private void armAfter(String action, Runnable arm) {
    standIn.afterCall(action, arm);
  }

  private String secretString(String versionId) {
    return clients.secretsManager().getSecretValue(r -> r.secretId(SECRET).versionId(versionId)).secretString();
  }

  private static String keyOf(Credential credential) {
    return credential.field(Credential.ACCESS_KEY_ID).orElseThrow();
  }

  private static List<String> ids(List<IamState.Key> keys) {
    return keys.stream().map(IamState.Key::accessKeyId).toList();
  }
}
