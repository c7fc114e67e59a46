package dev.sesame.aws;

import java.time.Instant;
import java.util.Objects;

/**
 * When an access key was last used, and for which service in which region, as
 * GetAccessKeyLastUsed reports it. IAM tracks this only since April 22, 2015 and updates it with
 * a delay, so "no use" means "no use IAM has recorded yet".
 */
public record KeyLastUse(Instant when, String serviceName, String region) {
  public KeyLastUse {
    Objects.requireNonNull(when, "when");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(region, "region");
  }
}
