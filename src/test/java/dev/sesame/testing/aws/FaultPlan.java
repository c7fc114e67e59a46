package dev.sesame.testing.aws;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Faults the stand-in injects before serving a call: the next N calls of an action are throttled,
 * fail with a 500, or are answered only after a delay. Actions are named as AWS names them
 * ({@code CreateAccessKey}, {@code GetSecretValue}); faults for one action queue up in the order
 * they were planned. Thread-safe.
 */
public final class FaultPlan {
  /** What happens to one call. */
  public sealed interface Fault permits Throttle, ServerError, Slow, Denied, Expired, LostAnswer {}

  /** Answer with the service's throttling error (HTTP 400 {@code Throttling} for IAM and STS). */
  public record Throttle() implements Fault {}

  /** Answer with the service's internal failure (HTTP 500). */
  public record ServerError() implements Fault {}

  /** Answer as IAM policy would refuse the caller (the service's access-denied error). */
  public record Denied() implements Fault {}

  /**
   * Answer as AWS does to a request signed with an expired session token (HTTP 400
   * {@code ExpiredToken}; STS API reference, "Common Errors").
   */
  public record Expired() implements Fault {}

  /** Serve the call (its effect happens), then answer with a 500 as if the answer were lost. */
  public record LostAnswer() implements Fault {}

  /** Serve the call normally, but only after {@code delay}. */
  public record Slow(Duration delay) implements Fault {}

  private final Map<String, Deque<Fault>> planned = new HashMap<>();

  /** Throttles the next {@code times} calls of {@code action}. */
  public FaultPlan throttle(String action, int times) {
    return add(action, times, new Throttle());
  }

  /** Fails the next {@code times} calls of {@code action} with a 500. */
  public FaultPlan serverError(String action, int times) {
    return add(action, times, new ServerError());
  }

  /** Serves the next {@code times} calls of {@code action}, then answers each with a 500. */
  public FaultPlan lostAnswer(String action, int times) {
    return add(action, times, new LostAnswer());
  }

  /** Refuses the next {@code times} calls of {@code action} as an IAM policy without it would. */
  public FaultPlan deny(String action, int times) {
    return add(action, times, new Denied());
  }

  /** Refuses the next {@code times} calls of {@code action} as signed with an expired session token. */
  public FaultPlan expire(String action, int times) {
    return add(action, times, new Expired());
  }

  /** Delays the next {@code times} answers to {@code action} by {@code delay}. */
  public FaultPlan slow(String action, int times, Duration delay) {
    return add(action, times, new Slow(delay));
  }

  /** Forgets every planned fault. */
  public synchronized void clear() {
    planned.clear();
  }

  /** The fault for this call of {@code action}, consuming it; empty to serve normally. */
  synchronized Optional<Fault> next(String action) {
    Deque<Fault> queue = planned.get(action);
    return queue == null ? Optional.empty() : Optional.ofNullable(queue.pollFirst());
  }

  private synchronized FaultPlan add(String action, int times, Fault fault) {
    if (times < 0) {
      throw new IllegalArgumentException("times must not be negative");
    }
    Deque<Fault> queue = planned.computeIfAbsent(action, a -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.addLast(fault);
    }
    return this;
  }
}
