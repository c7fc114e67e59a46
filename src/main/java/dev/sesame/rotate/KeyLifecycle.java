package dev.sesame.rotate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The IAM access keys of an SES sending user, as the rotation needs them. The AWS adapter
 * implements it over the SDK; every failure is a {@link RotationException} of kind AWS.
 */
public interface KeyLifecycle {
  /** One IAM access key of a user (IAM allows at most two per user). */
  record IamKey(String id, boolean active, Instant created) {}

  /** A key just created: the only moment IAM ever returns its secret. */
  record NewKey(String id, String secret) {
    @Override
    public String toString() {
      return "NewKey[" + id + ", REDACTED]";
    }
  }

  /** GetAccessKeyLastUsed: when, and through which service and region. */
  record KeyUse(Instant when, String service, String region) {
    public String describe() {
      return when + " via " + service + " in " + region;
    }
  }

  List<IamKey> list(String user) throws RotationException;

  NewKey create(String user) throws RotationException;

  void deactivate(String user, String keyId) throws RotationException;

  void delete(String user, String keyId) throws RotationException;

  /** Empty when the key was never used. */
  Optional<KeyUse> lastUsed(String user, String keyId) throws RotationException;

  /**
   * The IAM user owning KEY_ID (GetAccessKeyLastUsed answers with it), for an entry that does not
   * name its user, such as an imported SMTP password; empty when IAM does not say.
   */
  Optional<String> owner(String keyId) throws RotationException;

  /** Who is acting (STS caller ARN), for audit records; a placeholder if unknown. */
  String actor();
}
