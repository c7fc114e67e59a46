package dev.sesame.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.TestClock;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.TrustedKeys;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.ses.SesCredentials;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.testing.smtp.IamSesStandIn;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.smtp.TestPki;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;

/**
 * The rotation function driven as Secrets Manager drives it: RotateSecret through the real SDK
 * against the AWS stand-in (which puts AWSPENDING on a version with no value yet, named by the
 * rotation token), then the handler invoked in-process for createSecret, setSecret, testSecret
 * and finishSecret with that token. The new key's test is a real SMTP login (STARTTLS + AUTH)
 * against an SES stand-in that accepts exactly the user's Active IAM keys. The store's values are
 * sealed under a KMS key of the stand-in, opened by the handler through its KMS slot.
 */
class LambdaRotationTest {
  private static final String STORE = "sm://sesame/prod/";
  private static final String ENTRY = "mail";
  private static final String SECRET = "sesame/prod/mail";
  private static final String USER = "ses-smtp-mail";
  private static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:sesame-rotation";

  @TempDir
  static Path pkiDir;
  private static TestPki pki;
  private static TestPki.ServerCertificate certificate;

  @TempDir
  Path dir;

  private StandInAws aws;
  private IamState iam;
  private IamSesStandIn ses;
  private AwsClients clients;
  private SecretsManagerClient sm;
  private SecretsManagerStore store;
  private String firstKey;
  private String firstSecret;
  private final TestClock clock = new TestClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private RotationHandler handler;
  private String storeKeyArn;

  @BeforeAll
  static void certificate() throws Exception {
    pki = TestPki.create(pkiDir, "lambda");
    certificate = pki.issue("ip:" + SesStandIn.ADDRESS, "EC");
  }

  @BeforeEach
  void world() throws Exception {
    aws = StandInAws.start();
    iam = aws.standIn().iam();
    ses = IamSesStandIn.start(iam, StandInAws.REGION, certificate.serverContext());
    iam.createUser(USER);
    IamState.Key first = iam.createAccessKey(USER);
    firstKey = first.accessKeyId();
    firstSecret = first.secret();
    clients = aws.clients();
    sm = clients.secretsManager();
    storeKeyArn = aws.standIn().kms().arn(aws.standIn().kms().createKey("sesame-store"));
    // ListSecrets lags behind (API reference: ListSecrets): the entry made here stays unlisted, so
    // no sweep below may depend on the list.
    aws.standIn().secretsManager().delayNewNamesInList(true);
    store = SecretsManagerStore.at(STORE, clients);
    store.write(ENTRY, SesCredentials.fromAccessKey(StandInAws.REGION, USER, firstKey, firstSecret, 587),
        List.of(KmsKeySource.create(clients, "alias/sesame-store")), false);
    handler = handler("30s");
    aws.standIn().clearCalls();
  }

  @AfterEach
  void stop() {
    ses.close();
    aws.close();
  }

  @Test
  void aWholeRotationDrivenStepByStepMakesTheProvedNewKeyCurrentAndKeepsTheOldOneActive() throws Exception {
    String oldVersion = versionWith("AWSCURRENT");
    String token = rotateSecret();
    assertThat(stages().get(token)).as("RotateSecret's placeholder").containsExactly("AWSPENDING");

    assertThat(invoke("createSecret", token)).contains("\"outcome\":\"done\"");
    assertThat(invoke("setSecret", token)).contains("already done");
    assertThat(invoke("testSecret", token)).contains("\"outcome\":\"done\"");
    assertThat(invoke("finishSecret", token)).contains("\"outcome\":\"done\"");

    assertThat(stages()).containsEntry(token, Set.of("AWSCURRENT")).containsEntry(oldVersion, Set.of("AWSPREVIOUS"));
    Credential current = current();
    String newKey = current.field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(newKey).isNotEqualTo(firstKey);
    assertThat(ses.logins()).as("the SMTP proof of the new key").anyMatch(l -> l.username().equals(newKey) && l.accepted());
    assertThat(works(current)).isTrue();
    assertThat(activeKeys()).as("the old key stays active for the grace period").containsExactlyInAnyOrder(firstKey, newKey);
    assertThat(aws.standIn().secretsManager().tags(SECRET)).containsEntry("sesame:retire.key_id", firstKey)
        .noneSatisfy((tag, value) -> assertThat(tag).startsWith("sesame:rotation."));
    assertThat(aws.standIn().secretsManager().putRotationTokens()).as("the event's RotationToken reaches PutSecretValue")
        .containsExactly(ROTATION_TOKEN);
    assertThat(aws.standIn().secretsManager().getValueStages()).as("every GetSecretValue names its staging label")
        .doesNotContainNull();
  }

  @Test
  void everyStepInvokedAgainDoesItsWorkOnce() throws Exception {
    String token = rotateSecret();
    for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
      invoke(step, token);
      invoke(step, token);
    }

    assertThat(aws.standIn().calls("CreateAccessKey")).isEqualTo(1);
    assertThat(aws.standIn().calls("PutSecretValue")).isEqualTo(1);
    assertThat(stages().get(token)).containsExactly("AWSCURRENT");
    assertThat(iam.keysOf(USER)).hasSize(2);
    assertThat(works(current())).isTrue();
  }

  @Test
  void aCreateSecretThatDiedBeforeStoringTheKeyLeavesNoOrphanWhenRetried() throws Exception {
    String token = rotateSecret();
    aws.standIn().faults().serverError("PutSecretValue", 50);
    assertThatThrownBy(() -> invoke("createSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class);
    assertThat(iam.keysOf(USER)).as("a key whose secret nobody stored").hasSize(2);
    aws.standIn().faults().clear();

    invoke("createSecret", token);
    invoke("setSecret", token);
    invoke("testSecret", token);
    invoke("finishSecret", token);

    String newKey = current().field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(iam.keysOf(USER)).extracting(IamState.Key::accessKeyId).containsExactlyInAnyOrder(firstKey, newKey);
  }

  @Test
  void aTokenThatIsNotPendingIsRefusedAndChangesNothing() throws Exception {
    String oldVersion = versionWith("AWSCURRENT");
    String token = rotateSecret();

    assertThatThrownBy(() -> invoke("createSecret", UUID.randomUUID().toString()))
        .isInstanceOf(RotationHandler.RotationFailed.class).hasMessageContaining("has no stage for rotation");
    assertThat(invoke("createSecret", oldVersion)).as("AWSCURRENT already: the template's no-op")
        .contains("nothing to do");
    runRotation(token);
    assertThatThrownBy(() -> invoke("testSecret", oldVersion))
        .isInstanceOf(RotationHandler.RotationFailed.class).hasMessageContaining("is not AWSPENDING");

    assertThat(aws.standIn().calls("CreateAccessKey")).isEqualTo(1);
    assertThat(stages().get(token)).containsExactly("AWSCURRENT");
  }

  @Test
  void aSecretWithRotationTurnedOffOrOutsideTheStoreIsRefused() throws Exception {
    String token = rotateSecret();
    sm.cancelRotateSecret(r -> r.secretId(SECRET));

    assertThatThrownBy(() -> invoke("createSecret", token))
        .isInstanceOf(RotationHandler.RotationFailed.class).hasMessageContaining("not enabled for rotation");

    store.write(ENTRY, SesCredentials.fromAccessKey(StandInAws.REGION, USER, firstKey, firstSecret, 587), List.of(), false);
    SecretsManagerStore other = SecretsManagerStore.at("sm://other/", clients);
    other.write(ENTRY, SesCredentials.fromAccessKey(StandInAws.REGION, USER, firstKey, firstSecret, 587), List.of(), false);
    String otherToken = sm.rotateSecret(r -> r.secretId("other/mail").rotationLambdaARN(FUNCTION)).versionId();
    assertThatThrownBy(() -> handler.handleRequest(event("createSecret", "other/mail", otherToken), new ByteArrayOutputStream()))
        .isInstanceOf(RotationHandler.RotationFailed.class).hasMessageContaining("not an entry of " + STORE);
    assertThat(aws.standIn().calls("CreateAccessKey")).isZero();
  }

  @Test
  void aPlainValueWrittenOverTheSealedEntryStopsTheRotationAndNothingIsStoredUnsealed() throws Exception {
    store.write(ENTRY, SesCredentials.fromAccessKey(StandInAws.REGION, USER, firstKey, firstSecret, 587), List.of(), false);
    String token = rotateSecret();
    aws.standIn().clearCalls();

    assertThatThrownBy(() -> invoke("createSecret", token))
        .isInstanceOf(RotationHandler.RotationFailed.class).hasMessageContaining("plain value");

    assertThat(aws.standIn().calls("CreateAccessKey")).isZero();
    assertThat(aws.standIn().calls("PutSecretValue")).isZero();
    assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId(SECRET).versionId(token)))
        .hasMessageContaining("can't find");
  }

  @Test
  void aValueSealedUnderAnUntrustedKeyStopsTheRotationWithoutAnyRequestNamingThatKey() throws Exception {
    String attackerKey = aws.standIn().kms().createKey();
    store.write(ENTRY, SesCredentials.fromAccessKey(StandInAws.REGION, USER, firstKey, firstSecret, 587),
        List.of(KmsKeySource.create(clients, attackerKey)), false);
    int named = aws.standIn().kms().namedKeys().size();
    String token = rotateSecret();
    aws.standIn().clearCalls();

    assertThatThrownBy(() -> invoke("createSecret", token))
        .isInstanceOf(RotationHandler.RotationFailed.class).hasMessageContaining("does not trust");

    assertThat(aws.standIn().kms().namedKeys()).hasSize(named);
    assertThat(aws.standIn().calls("PutSecretValue")).isZero();
  }

  @Test
  void withoutAConfiguredProtectionTheFunctionRefusesToStart() {
    Map<String, String> env = Map.of(LambdaSettings.STORE, STORE);

    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(LambdaSettings.STORE_KMS_KEY);
  }

  @Test
  void aFailingSmtpTestLeavesAwsCurrentUntouchedAndTheNewKeyDeleted() throws Exception {
    handler = handler(REFUSED_DEADLINE);
    iam.propagationDelay(Duration.ofDays(1)); // SES refuses the new key for the whole deadline
    String oldVersion = versionWith("AWSCURRENT");
    String token = rotateSecret();
    invoke("createSecret", token);
    invoke("setSecret", token);

    assertThatThrownBy(() -> invoke("testSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class)
        .hasMessageStartingWith("testSecret failed");

    assertThat(versionWith("AWSCURRENT")).isEqualTo(oldVersion);
    assertThat(current().field(Credential.ACCESS_KEY_ID)).contains(firstKey);
    assertThat(iam.keysOf(USER)).extracting(IamState.Key::accessKeyId).containsExactly(firstKey);
    assertThat(stages()).doesNotContainKey(token);
    assertThatThrownBy(() -> invoke("finishSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class);
    assertThat(versionWith("AWSCURRENT")).isEqualTo(oldVersion);
  }

  @Test
  void thePreviousKeyIsDeactivatedOnlyAfterTheGracePeriodAndDeletedOnALaterRun() throws Exception {
    runRotation(rotateSecret());
    String newKey = current().field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(sm.listSecrets(r -> r.filters(f -> f.key("name").values("sesame/prod/"))).secretList())
        .as("ListSecrets does not show the entry yet").isEmpty();

    clock.advance(Duration.ofHours(23));
    retireDue();
    assertThat(activeKeys()).as("within the grace period").containsExactlyInAnyOrder(firstKey, newKey);

    clock.advance(Duration.ofHours(2));
    retireDue();
    assertThat(activeKeys()).containsExactly(newKey);
    assertThat(iam.keysOf(USER)).as("deactivated, not yet deleted").hasSize(2);

    clock.advance(Duration.ofHours(1));
    retireDue();
    assertThat(iam.keysOf(USER)).as("first look-up without use: only recorded").hasSize(2);

    clock.advance(Duration.ofHours(12));
    retireDue();
    assertThat(iam.keysOf(USER)).as("within the deletion gap (SESAME_DELETE_AFTER, 24h)").hasSize(2);

    clock.advance(Duration.ofHours(12));
    retireDue();
    assertThat(iam.keysOf(USER)).extracting(IamState.Key::accessKeyId).containsExactly(newKey);
    assertThat(works(current())).isTrue();
  }

  @Test
  void aRotationWithinTheGracePeriodIsRefusedAndOneAfterItRetiresThePreviousKeyFirst() throws Exception {
    runRotation(rotateSecret());
    String secondKey = current().field(Credential.ACCESS_KEY_ID).orElseThrow();

    clock.advance(Duration.ofHours(1));
    String token = rotateSecret();
    assertThatThrownBy(() -> invoke("createSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class)
        .hasMessageContaining("grace period");
    assertThat(activeKeys()).containsExactlyInAnyOrder(firstKey, secondKey);

    clock.advance(Duration.ofHours(24));
    assertThatThrownBy(() -> invoke("createSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class)
        .hasMessageContaining("deleted no sooner than");
    assertThat(activeKeys()).as("past the grace period the previous key is deactivated, not deleted")
        .containsExactly(secondKey);

    clock.advance(Duration.ofHours(1));
    retireDue();
    clock.advance(Duration.ofHours(23));
    runRotation(token);

    String thirdKey = current().field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(iam.keysOf(USER)).extracting(IamState.Key::accessKeyId).containsExactlyInAnyOrder(secondKey, thirdKey);
    assertThat(works(current())).isTrue();
  }

  @Test
  void aRollbackCutShortLeavesAStaleAwsPendingThatTheNextRetirementRunRemovesSoRotationCanStartAgain()
      throws Exception {
    String token = failTestSecretLeavingItsPendingLabel();
    assertThatThrownBy(this::rotateSecret).as("AWS refuses while AWSPENDING is on another version than AWSCURRENT")
        .isInstanceOf(InvalidRequestException.class);

    retireDue();

    assertThat(stages()).doesNotContainKey(token);
    assertThat(logs.toString(StandardCharsets.UTF_8)).contains("no rotation records");
    iam.propagationDelay(Duration.ZERO);
    runRotation(rotateSecret());
    assertThat(works(current())).isTrue();
    assertThat(current().field(Credential.ACCESS_KEY_ID)).isNotEqualTo(java.util.Optional.of(firstKey));
  }

  @Test
  void aStaleAwsPendingOnTheEventsTokenIsRemovedAndThatTokenRefusedWithoutANewKey() throws Exception {
    String token = failTestSecretLeavingItsPendingLabel();
    aws.standIn().clearCalls();

    // Secrets Manager continues the rotation it thinks is in progress: createSecret with the old token.
    assertThatThrownBy(() -> invoke("createSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class)
        .hasMessageContaining("given up earlier");

    assertThat(stages()).doesNotContainKey(token);
    assertThat(aws.standIn().calls("CreateAccessKey")).isZero();
    assertThat(aws.standIn().calls("PutSecretValue")).isZero();
    iam.propagationDelay(Duration.ZERO);
    runRotation(rotateSecret());
    assertThat(works(current())).isTrue();
    assertThat(iam.keysOf(USER)).hasSize(2);
  }

  @Test
  void aFinishCutShortAfterMovingAwsCurrentIsCompletedByTheNextRotationNotUndone() throws Exception {
    String token = rotateSecret();
    invoke("createSecret", token);
    invoke("setSecret", token);
    invoke("testSecret", token);
    aws.standIn().faults().serverError("TagResource", 50);
    assertThatThrownBy(() -> invoke("finishSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class);
    aws.standIn().faults().clear();
    assertThat(stages().get(token)).containsExactly("AWSCURRENT");
    String newKey = current().field(Credential.ACCESS_KEY_ID).orElseThrow();

    // Secrets Manager's retries are spent; the next scheduled rotation starts (AWSPENDING is not stale).
    clock.advance(Duration.ofHours(1));
    String next = rotateSecret();
    assertThatThrownBy(() -> invoke("createSecret", next)).isInstanceOf(RotationHandler.RotationFailed.class)
        .hasMessageContaining("grace period");

    assertThat(versionWith("AWSCURRENT")).isEqualTo(token);
    assertThat(iam.keysOf(USER)).extracting(IamState.Key::accessKeyId).containsExactlyInAnyOrder(firstKey, newKey);
    assertThat(works(current())).as("the key hosts pull is never deleted").isTrue();
    assertThat(aws.standIn().secretsManager().tags(SECRET)).containsEntry("sesame:retire.key_id", firstKey)
        .noneSatisfy((tag, value) -> assertThat(tag).startsWith("sesame:rotation."));
  }

  /**
   * A rotation whose SMTP test fails, with the rollback cut short after its bookkeeping was
   * cleared (the new key is deleted) but before AWSPENDING came off the version: what a kill
   * there leaves. Returns the rotation's token.
   */
  private String failTestSecretLeavingItsPendingLabel() throws Exception {
    handler = handler(REFUSED_DEADLINE);
    iam.propagationDelay(Duration.ofDays(1));
    String token = rotateSecret();
    invoke("createSecret", token);
    invoke("setSecret", token);
    aws.standIn().faults().serverError("UpdateSecretVersionStage", 50);
    assertThatThrownBy(() -> invoke("testSecret", token)).isInstanceOf(RotationHandler.RotationFailed.class);
    aws.standIn().faults().clear();
    assertThat(stages().get(token)).containsExactly("AWSPENDING");
    assertThat(aws.standIn().secretsManager().tags(SECRET)).noneSatisfy((tag, value) ->
        assertThat(tag).startsWith("sesame:rotation."));
    assertThat(iam.keysOf(USER)).extracting(IamState.Key::accessKeyId).containsExactly(firstKey);
    return token;
  }

  @Test
  void theLogHoldsJsonLinesWithKeyHintsAndNoSecret() throws Exception {
    runRotation(rotateSecret());
    Credential current = current();
    String newKey = current.field(Credential.ACCESS_KEY_ID).orElseThrow();

    String log = logs.toString(StandardCharsets.UTF_8);
    assertThat(log.lines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
    assertThat(log).doesNotContain(firstKey, newKey, firstSecret,
        current.field(Credential.SECRET_ACCESS_KEY).orElseThrow(), current.field(Credential.SMTP_PASSWORD).orElseThrow());
    assertThat(log.lines().filter(l -> l.contains("\"audit\":\"sesame-lambda/1\"")))
        .anyMatch(l -> l.contains("\"step\":\"create\"") && l.contains(newKey.substring(newKey.length() - 4)))
        .anyMatch(l -> l.contains("\"step\":\"test\"") && l.contains("\"result\":\"ok\""))
        .anyMatch(l -> l.contains("\"step\":\"finish\""));
  }

  // ---- Secrets Manager's part, played by the test -------------------------------------------

  private String rotateSecret() {
    return sm.rotateSecret(r -> r.secretId(SECRET).rotationLambdaARN(FUNCTION)
        .rotationRules(rules -> rules.automaticallyAfterDays(30L)).rotateImmediately(true)).versionId();
  }

  private void runRotation(String token) throws Exception {
    for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
      invoke(step, token);
    }
  }

  private String invoke(String step, String token) throws Exception {
    String arn = sm.describeSecret(r -> r.secretId(SECRET)).arn();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(event(step, arn, token), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private void retireDue() throws Exception {
    handler.handleRequest(new ByteArrayInputStream("{\"Step\":\"retireDue\"}".getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream());
  }

  /**
   * SESAME_SMTP_DEADLINE where SES refuses the new key throughout: long enough for a retry, short
   * because every moment of it is spent waiting.
   */
  private static final String REFUSED_DEADLINE = "PT0.5S";

  /** The RotationToken Secrets Manager adds to each event (one per test here). */
  private static final String ROTATION_TOKEN = UUID.randomUUID().toString();

  private static ByteArrayInputStream event(String step, String secretId, String token) {
    String json = "{\"Step\":\"" + step + "\",\"SecretId\":\"" + secretId + "\",\"ClientRequestToken\":\"" + token
        + "\",\"RotationToken\":\"" + ROTATION_TOKEN + "\"}";
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private RotationHandler handler(String smtpDeadline) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(LambdaSettings.STORE, STORE);
    env.put(ProbeSettings.ENDPOINT_VARIABLE, ses.endpoint());
    env.put(ProbeSettings.CA_FILE_VARIABLE, pki.caPem().toString());
    env.put(LambdaSettings.SMTP_DEADLINE, smtpDeadline);
    env.put(LambdaSettings.GRACE, "24h");
    env.put(LambdaSettings.STATE_DIR, dir.resolve("state").toString());
    env.put(LambdaSettings.STORE_KMS_KEY, storeKeyArn);
    return new RotationHandler(LambdaSettings.fromEnvironment(env), clients, StandInAws.FAST_RETRIES, clock,
        new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  // ---- what the world looks like ------------------------------------------------------------

  private Map<String, Set<String>> stages() {
    return aws.standIn().secretsManager().stages(SECRET);
  }

  private String versionWith(String stage) {
    return stages().entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey)
        .findFirst().orElseThrow();
  }

  private Credential current() throws Exception {
    List<KeySource> openers = List.of(KmsKeySource.forSlots(region -> clients.kms(),
        TrustedKeys.of(List.of(storeKeyArn))));
    return store.read(ENTRY, Label.CURRENT, openers).credential();
  }

  private boolean works(Credential credential) {
    return ses.wouldAccept(credential.field(Credential.SMTP_USERNAME).orElseThrow(),
        credential.field(Credential.SMTP_PASSWORD).orElseThrow());
  }

  private List<String> activeKeys() {
    return iam.keysOf(USER).stream().filter(IamState.Key::active).map(IamState.Key::accessKeyId).toList();
  }
}
