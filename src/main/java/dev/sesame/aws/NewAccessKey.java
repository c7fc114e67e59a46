package dev.sesame.aws;

import java.time.Instant;
import java.util.Objects;

/**
 * A key IAM has just created. This is the only time AWS ever hands out the secret (API reference:
 * CreateAccessKey), so the caller must seal it before doing anything else. Redacts itself in
 * {@link #toString()} through {@link SecretAccessKey}.
 */
public record NewAccessKey(
    String userName, String accessKeyId, SecretAccessKey secret, KeyStatus status, Instant created) {
  public NewAccessKey {
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(created, "created");
  }
}
