package dev.sesame.testing.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/** Login policies for {@link SesStandIn}: who may log in, and from when. */
public final class Logins {
  private Logins() {}

  /** Exactly USERNAME with PASSWORD. */
  public static BiPredicate<String, String> only(String username, String password) {
    return (u, p) -> username.equals(u) && password.equals(p);
  }

  /** Nobody, ever. */
  public static BiPredicate<String, String> nobody() {
    return (u, p) -> false;
  }

  /**
   * What ACCEPT accepts, but only from the REFUSALS+1st login on: a new IAM key that SES refuses
   * with 535 until it has propagated, counted in attempts so tests need no wall clock.
   */
  public static BiPredicate<String, String> afterRefusals(int refusals,
      BiPredicate<String, String> accept) {
    AtomicInteger seen = new AtomicInteger();
    return (u, p) -> seen.incrementAndGet() > refusals && accept.test(u, p);
  }

  /** What ACCEPT accepts, once DELAY has passed on CLOCK since this call (IAM propagation). */
  public static BiPredicate<String, String> afterDelay(Duration delay, Clock clock,
      BiPredicate<String, String> accept) {
    Instant from = clock.instant().plus(delay);
    return (u, p) -> !clock.instant().isBefore(from) && accept.test(u, p);
  }
}
