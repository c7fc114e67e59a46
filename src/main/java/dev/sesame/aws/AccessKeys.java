package dev.sesame.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.ListAccessKeysResponse;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The access-key lifecycle of IAM users: create, list, activate, deactivate, delete, and when a
 * key was last used. Each method is one IAM call (a listing may be several pages); the SDK
 * retries throttling and 5xx answers within the client's {@link CallPolicy}, and whatever still
 * fails surfaces as one {@link AwsException}.
 *
 * <p>IAM allows at most two access keys per user, active or not (IAM User Guide: "IAM and AWS STS
 * quotas"); {@link #create} on a user that has two fails with {@link
 * AwsException.Kind#LIMIT_EXCEEDED}. Deciding which key may make room is the rotation's job,
 * not this class's.
 */
public final class AccessKeys {
  // GetAccessKeyLastUsed answers "N/A" for service and region when IAM has no record of use
  // (API reference: AccessKeyLastUsed).
  private static final String NOT_APPLICABLE = "N/A";

  /**
   * CreateAccessKey is not idempotent (it takes no client token): when its answer is lost (the
   * key created, then a 500 or a reset connection), a retry creates a second key or fails with
   * LimitExceeded. So the SDK retries it only when IAM throttled it (refused before doing
   * anything), and the caller tells a lost key apart by listing the user's keys.
   */
  private static final SdkPlugin RETRY_ONLY_THROTTLING = config -> config.overrideConfiguration(c -> c.retryStrategy(
      StandardRetryStrategy.builder()
          .useClientDefaults(false)
          .maxAttempts(Optional.ofNullable(c.retryStrategy()).map(RetryStrategy::maxAttempts).orElse(3))
          .retryOnException(AccessKeys::throttled)
          .treatAsThrottling(AccessKeys::throttled)
          .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(20)))
          .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(20)))
          .circuitBreakerEnabled(false)
          .build()));

  private static boolean throttled(Throwable failure) {
    return failure instanceof SdkServiceException service && service.isThrottlingException();
  }

  private final Supplier<IamClient> iam;

  private AccessKeys(Supplier<IamClient> iam) {
    this.iam = iam;
  }

  /** Access keys through {@code clients}' IAM client, built when first needed. */
  public static AccessKeys using(AwsClients clients) {
    Objects.requireNonNull(clients, "clients");
    return new AccessKeys(clients::iam);
  }

  /**
   * CreateAccessKey: a new, active key for {@code user}. The returned secret is the only copy
   * AWS will ever hand out. One attempt, not retried by the SDK unless throttled (see {@link #RETRY_ONLY_THROTTLING}).
   */
  public NewAccessKey create(String user) throws AwsException {
    requireName(user, "user");
    AccessKey key =
        call("iam:CreateAccessKey", () -> iam.get().createAccessKey(
            r -> r.userName(user).overrideConfiguration(o -> o.addPlugin(RETRY_ONLY_THROTTLING))).accessKey());
    return new NewAccessKey(
        key.userName(),
        key.accessKeyId(),
        SecretAccessKey.of(key.secretAccessKey()),
        status(key.status()),
        orEpoch(key.createDate()));
  }

  /** ListAccessKeys: every key of {@code user}, active or not, in the order IAM returns them. */
  public List<AccessKeyInfo> list(String user) throws AwsException {
    requireName(user, "user");
    return call(
        "iam:ListAccessKeys",
        () -> {
          List<AccessKeyInfo> keys = new ArrayList<>();
          for (ListAccessKeysResponse page :
              iam.get().listAccessKeysPaginator(r -> r.userName(user))) {
            for (AccessKeyMetadata key : page.accessKeyMetadata()) {
              keys.add(
                  new AccessKeyInfo(key.accessKeyId(), status(key.status()), orEpoch(key.createDate())));
            }
          }
          return List.copyOf(keys);
        });
  }

  /** UpdateAccessKey to Inactive: AWS refuses the key from now on; it can be re-activated. */
  public void deactivate(String user, String accessKeyId) throws AwsException {
    setStatus(user, accessKeyId, StatusType.INACTIVE);
  }

  /** UpdateAccessKey to Active. */
  public void activate(String user, String accessKeyId) throws AwsException {
    setStatus(user, accessKeyId, StatusType.ACTIVE);
  }

  /** DeleteAccessKey: the key is gone for good. */
  public void delete(String user, String accessKeyId) throws AwsException {
    requireName(user, "user");
    requireName(accessKeyId, "accessKeyId");
    call(
        "iam:DeleteAccessKey",
        () -> iam.get().deleteAccessKey(r -> r.userName(user).accessKeyId(accessKeyId)));
  }

  /**
   * GetAccessKeyLastUsed: when the key was last used, with which service in which region; empty
   * when IAM has no record of any use. IAM records use with a delay of up to hours, so an empty
   * answer for a key created minutes ago proves little.
   */
  public Optional<KeyLastUse> lastUsed(String accessKeyId) throws AwsException {
    requireName(accessKeyId, "accessKeyId");
    AccessKeyLastUsed used =
        call(
            "iam:GetAccessKeyLastUsed",
            () -> iam.get().getAccessKeyLastUsed(r -> r.accessKeyId(accessKeyId)).accessKeyLastUsed());
    if (used == null || used.lastUsedDate() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new KeyLastUse(used.lastUsedDate(), orUnknown(used.serviceName()), orUnknown(used.region())));
  }

  /**
   * The IAM user that owns {@code accessKeyId}, from GetAccessKeyLastUsed's UserName: the one
   * IAM call that needs no user name, so a key id found on its own (an imported SMTP password)
   * leads to its user. Empty when IAM answers without a name.
   */
  public Optional<String> owner(String accessKeyId) throws AwsException {
    requireName(accessKeyId, "accessKeyId");
    String user =
        call(
            "iam:GetAccessKeyLastUsed",
            () -> iam.get().getAccessKeyLastUsed(r -> r.accessKeyId(accessKeyId)).userName());
    return user == null || user.isBlank() ? Optional.empty() : Optional.of(user);
  }

  private void setStatus(String user, String accessKeyId, StatusType status) throws AwsException {
    requireName(user, "user");
    requireName(accessKeyId, "accessKeyId");
    call(
        "iam:UpdateAccessKey",
        () -> iam.get().updateAccessKey(r -> r.userName(user).accessKeyId(accessKeyId).status(status)));
  }

  private static <T> T call(String operation, Supplier<T> request) throws AwsException {
    try {
      return request.get();
    } catch (SdkException failure) {
      throw AwsFailures.translate(operation, failure);
    }
  }

  private static KeyStatus status(StatusType status) {
    return status == StatusType.ACTIVE ? KeyStatus.ACTIVE : KeyStatus.INACTIVE;
  }

  private static Instant orEpoch(Instant created) {
    return created == null ? Instant.EPOCH : created;
  }

  private static String orUnknown(String value) {
    return value == null || value.isBlank() || NOT_APPLICABLE.equals(value) ? "unknown" : value;
  }

  private static void requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
