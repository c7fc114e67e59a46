package dev.sesame.testing;

import dev.sesame.ses.ProbeOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' one clock: it moves only when a test advances it or code under test sleeps on it
 * (as a {@link ProbeOptions.Sleeper}, remembering each pause), so nothing waits for real time.
 * UTC; safe to read from several threads.
 */
public final class TestClock extends Clock implements ProbeOptions.Sleeper {
  private Instant now;
  private final List<Duration> pauses = new ArrayList<>();

  public TestClock(Instant start) {
    this.now = start;
  }

  /** Starting at 2026-01-01T00:00:00Z. */
  public TestClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  /** Moves the clock on by PAUSE instead of sleeping, and remembers the pause. */
  @Override
  public synchronized void sleep(Duration pause) {
    pauses.add(pause);
    now = now.plus(pause);
  }

  /** Every pause slept on this clock, in order. */
  public synchronized List<Duration> pauses() {
    return List.copyOf(pauses);
  }

  /** All pauses together. */
  public synchronized Duration slept() {
    return pauses.stream().reduce(Duration.ZERO, Duration::plus);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
