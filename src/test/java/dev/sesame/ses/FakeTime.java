package dev.sesame.ses;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when the probe sleeps, and remembers every pause: no wall clock in tests. */
final class FakeTime extends Clock implements ProbeOptions.Sleeper {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  final List<Duration> pauses = new ArrayList<>();

  @Override
  public synchronized void sleep(Duration pause) {
    pauses.add(pause);
    now = now.plus(pause);
  }

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  Duration slept() {
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
