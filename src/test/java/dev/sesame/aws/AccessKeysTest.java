package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.StandInAws;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The IAM access-key lifecycle through the real SDK against the stand-in. */
class AccessKeysTest {
  private static final String USER = "ses-smtp-mail1";

  private StandInAws aws;
  private AwsStandIn standIn;
  private AccessKeys keys;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    standIn.iam().createUser(USER);
    keys = AccessKeys.using(aws.clients());
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void createReturnsAnActiveKeyWhoseSecretIsRedactedInToString() throws Exception {
    NewAccessKey key = keys.create(USER);

    IamState.Key stored = standIn.iam().key(key.accessKeyId()).orElseThrow();
    assertThat(key.accessKeyId()).matches("AKIA[A-Z0-9]{16}");
    assertThat(key.userName()).isEqualTo(USER);
    assertThat(key.status()).isEqualTo(KeyStatus.ACTIVE);
    assertThat(key.secret().reveal()).isEqualTo(stored.secret()).hasSize(40);
    assertThat(key.created()).isEqualTo(stored.created().truncatedTo(ChronoUnit.MILLIS));
    assertThat(key.toString()).doesNotContain(stored.secret()).contains("REDACTED");
  }

  @Test
  void createIsNeverRetriedBecauseALostAnswerMayHaveCreatedTheKey() throws Exception {
    standIn.faults().lostAnswer("CreateAccessKey", 1);

    assertThatThrownBy(() -> keys.create(USER)).isInstanceOf(AwsException.class);

    assertThat(standIn.calls("CreateAccessKey")).isEqualTo(1);
    assertThat(standIn.iam().keysOf(USER)).hasSize(1);
  }

  @Test
  void listShowsEveryKeyWithItsStatusAndCreationDate() throws Exception {
    NewAccessKey first = keys.create(USER);
    NewAccessKey second = keys.create(USER);
    keys.deactivate(USER, first.accessKeyId());

    List<AccessKeyInfo> listed = keys.list(USER);

    assertThat(listed)
        .containsExactly(
            new AccessKeyInfo(first.accessKeyId(), KeyStatus.INACTIVE, first.created()),
            new AccessKeyInfo(second.accessKeyId(), KeyStatus.ACTIVE, second.created()));
  }

  @Test
  void listOfAUserWithoutKeysIsEmpty() throws Exception {
    assertThat(keys.list(USER)).isEmpty();
  }

  @Test
  void deactivateLocksTheKeyOutAndActivateLetsItBackIn() throws Exception {
    NewAccessKey key = keys.create(USER);

    keys.deactivate(USER, key.accessKeyId());
    assertThat(standIn.iam().isUsable(key.accessKeyId(), Instant.now())).isFalse();

    keys.activate(USER, key.accessKeyId());
    assertThat(standIn.iam().isUsable(key.accessKeyId(), Instant.now())).isTrue();
  }

  @Test
  void deleteRemovesTheKey() throws Exception {
    NewAccessKey key = keys.create(USER);

    keys.delete(USER, key.accessKeyId());

    assertThat(keys.list(USER)).isEmpty();
    assertThat(standIn.iam().key(key.accessKeyId())).isEmpty();
  }

  @Test
  void aThirdKeyIsRefusedAsLimitExceededWithoutRetrying() throws Exception {
    keys.create(USER);
    keys.create(USER);

    AwsException refused = createFails();

    assertThat(refused.kind()).isEqualTo(AwsException.Kind.LIMIT_EXCEEDED);
    assertThat(refused.errorCode()).contains("LimitExceeded");
    assertThat(refused.operation()).isEqualTo("iam:CreateAccessKey");
    assertThat(refused.requestId()).isPresent();
    assertThat(refused.getMessage())
        .startsWith("iam:CreateAccessKey failed: limit exceeded (LimitExceeded)")
        .contains(refused.requestId().get())
        .doesNotContain("\n");
    assertThat(standIn.calls("CreateAccessKey")).isEqualTo(3);
    assertNoSecretIn(refused);
  }

  @Test
  void throttlingIsRetriedBySdkUntilItSucceeds() throws Exception {
    standIn.faults().throttle("CreateAccessKey", 2);

    NewAccessKey key = keys.create(USER);

    assertThat(standIn.iam().key(key.accessKeyId())).isPresent();
    assertThat(standIn.calls("CreateAccessKey")).isEqualTo(3);
  }

  @Test
  void throttlingBeyondTheAttemptBudgetIsClassifiedAsThrottled() throws Exception {
    standIn.faults().throttle("ListAccessKeys", 10);

    AwsException failure = listFails();

    assertThat(failure.kind()).isEqualTo(AwsException.Kind.THROTTLED);
    assertThat(failure.errorCode()).contains("Throttling");
    assertThat(standIn.calls("ListAccessKeys")).isEqualTo(StandInAws.FAST_RETRIES.maxAttempts());
  }

  @Test
  void serverErrorsBeyondTheRetryBudgetGiveOneLineWithTheRequestId() throws Exception {
    standIn.faults().serverError("ListAccessKeys", 10);

    AwsException failure = listFails();

    assertThat(failure.kind()).isEqualTo(AwsException.Kind.SERVICE_ERROR);
    assertThat(failure.errorCode()).contains("ServiceFailure");
    assertThat(failure.requestId()).isPresent();
    assertThat(failure.getMessage())
        .startsWith("iam:ListAccessKeys failed: service error (ServiceFailure)")
        .endsWith("[request id " + failure.requestId().get() + "]")
        .doesNotContain("\n", "\r");
    assertThat(standIn.calls("ListAccessKeys")).isEqualTo(StandInAws.FAST_RETRIES.maxAttempts());
  }

  @Test
  void serverErrorsWithinTheBudgetAreRetried() throws Exception {
    NewAccessKey key = keys.create(USER);
    standIn.faults().serverError("UpdateAccessKey", 2);

    keys.deactivate(USER, key.accessKeyId());

    assertThat(keys.list(USER).get(0).status()).isEqualTo(KeyStatus.INACTIVE);
    assertThat(standIn.calls("UpdateAccessKey")).isEqualTo(3);
  }

  @Test
  void aSlowAnswerPastTheAttemptTimeoutIsRetried() throws Exception {
    CallPolicy impatient =
        new CallPolicy(
            3,
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(20),
            Duration.ofMillis(500),
            Duration.ofSeconds(30));
    AccessKeys patientOnce = AccessKeys.using(aws.clients(AwsSettings.defaults(), impatient));
    keys.create(USER);
    standIn.faults().slow("ListAccessKeys", 1, Duration.ofSeconds(3));

    assertThat(patientOnce.list(USER)).hasSize(1);
    assertThat(standIn.calls("ListAccessKeys")).isEqualTo(2);
  }

  @Test
  void anUnknownUserIsNotFound() {
    assertThatThrownBy(() -> keys.create("nobody"))
        .isInstanceOfSatisfying(
            AwsException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AwsException.Kind.NOT_FOUND);
              assertThat(e.errorCode()).contains("NoSuchEntity");
            });
    assertThatThrownBy(() -> keys.list("nobody"))
        .isInstanceOfSatisfying(
            AwsException.class, e -> assertThat(e.kind()).isEqualTo(AwsException.Kind.NOT_FOUND));
    assertThat(standIn.calls("CreateAccessKey")).isEqualTo(1);
  }

  @Test
  void anUnknownKeyIsNotFound() throws Exception {
    NewAccessKey key = keys.create(USER);
    standIn.iam().createUser("other-user");

    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> keys.deactivate(USER, "AKIAAAAAAAAAAAAAAAAA"),
            () -> keys.delete(USER, "AKIAAAAAAAAAAAAAAAAA"),
            () -> keys.delete("other-user", key.accessKeyId()),
            () -> keys.lastUsed("AKIAAAAAAAAAAAAAAAAA"))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              AwsException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(AwsException.Kind.NOT_FOUND);
                assertNoSecretIn(e);
              });
    }
  }

  @Test
  void lastUsedIsEmptyForAKeyNeverUsed() throws Exception {
    NewAccessKey key = keys.create(USER);

    assertThat(keys.lastUsed(key.accessKeyId())).isEmpty();
  }

  @Test
  void lastUsedReportsTheRecordedUse() throws Exception {
    NewAccessKey key = keys.create(USER);
    Instant when = Instant.parse("2026-03-01T12:34:56Z");
    standIn.iam().recordUse(key.accessKeyId(), "ses", "eu-west-1", when);

    assertThat(keys.lastUsed(key.accessKeyId()))
        .contains(new KeyLastUse(when, "ses", "eu-west-1"));
  }

  @Test
  void ownerNamesTheUserOfAKeyGivenOnlyItsIdActiveOrNot() throws Exception {
    NewAccessKey key = keys.create(USER);
    keys.deactivate(USER, key.accessKeyId());

    assertThat(keys.owner(key.accessKeyId())).contains(USER);
    assertThatThrownBy(() -> keys.owner("AKIAAAAAAAAAAAAAAAAA"))
        .isInstanceOfSatisfying(AwsException.class, e -> {
          assertThat(e.kind()).isEqualTo(AwsException.Kind.NOT_FOUND);
          assertThat(e.operation()).isEqualTo("iam:GetAccessKeyLastUsed");
        });
  }

  @Test
  void requestsAreSignedWithTheConfiguredCredentialsForTheGlobalIamEndpoint() throws Exception {
    keys.create(USER);
    keys.list(USER);

    assertThat(standIn.calls())
        .isNotEmpty()
        .allSatisfy(
            call -> {
              assertThat(call.accessKeyId()).isEqualTo(StandInAws.ACCESS_KEY_ID);
              // Not the configured eu-west-1: IAM is global. With an endpoint override the SDK
              // signs with the client's pseudo-region; AwsClientsTest covers the real endpoint.
              assertThat(call.region()).isEqualTo("aws-global");
            });
  }

  @Test
  void credentialsTheServiceRejectsAreClassifiedAsSuch() {
    standIn.requireAccessKeyId("AKIASOMEONEELSE00000");

    AwsException failure = listFails();

    assertThat(failure.kind()).isEqualTo(AwsException.Kind.CREDENTIALS_REJECTED);
    assertThat(failure.errorCode()).contains("InvalidClientTokenId");
    assertThat(failure.getMessage()).doesNotContain(StandInAws.SECRET_ACCESS_KEY);
  }

  private AwsException createFails() {
    try {
      keys.create(USER);
    } catch (AwsException expected) {
      return expected;
    }
    throw new AssertionError("create succeeded");
  }

  private AwsException listFails() {
    try {
      keys.list(USER);
    } catch (AwsException expected) {
      return expected;
    }
    throw new AssertionError("list succeeded");
  }

  private void assertNoSecretIn(AwsException failure) {
    String everything = failure.getMessage() + " " + failure;
    for (IamState.Key key : standIn.iam().keysOf(USER)) {
      assertThat(everything).doesNotContain(key.secret());
    }
    assertThat(everything).doesNotContain(StandInAws.SECRET_ACCESS_KEY);
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }
}
