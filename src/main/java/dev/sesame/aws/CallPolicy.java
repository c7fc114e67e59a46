package dev.sesame.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * How patient every AWS call is: the SDK's standard retry strategy with a bounded number of
 * attempts and its two backoff curves, plus per-attempt and whole-call timeouts. Retrying is the
 * SDK's job; Sesame only sets the bounds.
 *
 * @param maxAttempts attempts per call, the first included (at least 1)
 * @param backoffBase base of the exponential, jittered backoff after a transient error (5xx, I/O)
 * @param throttlingBackoffBase base of the backoff after a throttling error (longer: the service
 *     asked us to slow down)
 * @param backoffCap upper bound of any single backoff
 * @param attemptTimeout one HTTP attempt, after which it counts as failed and may be retried
 * @param callTimeout the whole call, retries and backoffs included
 */
public record CallPolicy(
    int maxAttempts,
    Duration backoffBase,
    Duration throttlingBackoffBase,
    Duration backoffCap,
    Duration attemptTimeout,
    Duration callTimeout) {

  /**
   * For real AWS: five attempts, the SDK's standard curves (100 ms base, 1 s after throttling,
   * 20 s cap), 15 s per attempt and 2 minutes in all.
   */
  public static final CallPolicy STANDARD =
      new CallPolicy(
          5,
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          Duration.ofSeconds(20),
          Duration.ofSeconds(15),
          Duration.ofMinutes(2));

  public CallPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    for (Duration d :
        new Duration[] {backoffBase, throttlingBackoffBase, backoffCap, attemptTimeout, callTimeout}) {
      if (Objects.requireNonNull(d, "duration").isNegative()) {
        throw new IllegalArgumentException("durations must not be negative");
      }
    }
  }
}
