package dev.sesame.ses;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLContext;

/**
 * How the probe retries and connects. Retries back off exponentially from initialBackoff up to
 * maxBackoff, each pause drawn from [b/2, b] by jitter, and stop once deadline has passed since the
 * first attempt: a new IAM key is refused with 535 for a few seconds while it propagates.
 *
 * @param sslContext the trust to use (see {@link ProbeSettings#sslContext()}); null = the JVM's default
 * @param tlsMode null = by port ({@link TlsMode#forPort}); tests on random ports set it
 * @param clock measures the deadline; tests pass a fake one that the sleeper advances
 * @param sleeper waits between attempts
 * @param jitter values in [0, 1) that spread the pauses
 */
public record ProbeOptions(
    Duration deadline,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration readTimeout,
    SSLContext sslContext,
    TlsMode tlsMode,
    Clock clock,
    Sleeper sleeper,
    DoubleSupplier jitter) {

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);

  /** Waits between attempts; Thread.sleep in production. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration pause) throws InterruptedException;
  }

  public ProbeOptions {
    positive(deadline, "deadline");
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    positive(connectTimeout, "connectTimeout");
    positive(readTimeout, "readTimeout");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff < initialBackoff");
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(jitter, "jitter");
  }

  /** 120 s deadline, 500 ms to 10 s backoff, 10 s connect and 30 s read timeouts, JVM trust. */
  public static ProbeOptions defaults() {
    return new ProbeOptions(DEFAULT_DEADLINE, Duration.ofMillis(500), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(30), null, null, Clock.systemUTC(),
        pause -> Thread.sleep(pause.toMillis()), () -> ThreadLocalRandom.current().nextDouble());
  }

  public ProbeOptions withDeadline(Duration value) {
    return new ProbeOptions(value, initialBackoff, maxBackoff, connectTimeout, readTimeout,
        sslContext, tlsMode, clock, sleeper, jitter);
  }

  public ProbeOptions withBackoff(Duration initial, Duration max) {
    return new ProbeOptions(deadline, initial, max, connectTimeout, readTimeout, sslContext,
        tlsMode, clock, sleeper, jitter);
  }

  public ProbeOptions withTimeouts(Duration connect, Duration read) {
    return new ProbeOptions(deadline, initialBackoff, maxBackoff, connect, read, sslContext,
        tlsMode, clock, sleeper, jitter);
  }

  public ProbeOptions withSslContext(SSLContext value) {
    return new ProbeOptions(deadline, initialBackoff, maxBackoff, connectTimeout, readTimeout,
        value, tlsMode, clock, sleeper, jitter);
  }

  public ProbeOptions withTlsMode(TlsMode value) {
    return new ProbeOptions(deadline, initialBackoff, maxBackoff, connectTimeout, readTimeout,
        sslContext, value, clock, sleeper, jitter);
  }

  public ProbeOptions withTime(Clock newClock, Sleeper newSleeper) {
    return new ProbeOptions(deadline, initialBackoff, maxBackoff, connectTimeout, readTimeout,
        sslContext, tlsMode, newClock, newSleeper, jitter);
  }

  public ProbeOptions withJitter(DoubleSupplier value) {
    return new ProbeOptions(deadline, initialBackoff, maxBackoff, connectTimeout, readTimeout,
        sslContext, tlsMode, clock, sleeper, value);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
