package dev.sesame.aws;

import java.time.Instant;
import java.util.Objects;

/** One access key of an IAM user as ListAccessKeys describes it: never its secret. */
public record AccessKeyInfo(String accessKeyId, KeyStatus status, Instant created) {
  public AccessKeyInfo {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(created, "created");
  }
}
