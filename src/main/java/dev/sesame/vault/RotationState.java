package dev.sesame.vault;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rotation's bookkeeping, kept in the entry's state (the vault entry's MAC-protected state
 * map, or the store secret's {@code sesame:*} tags) so a killed run resumes where it stopped
 * (like Secrets Manager's ClientRequestToken and version stages). Clear text, never secret.
 * Immutable: each step writes a new one. Part of the {@link EntryStore} port: the rotator writes
 * it, each store keeps it, and readers (status, metrics, doctor) read it by these keys.
 */
public record RotationState(Map<String, String> values) {
  public static final String TOKEN = "rotation.token";
  public static final String STEP = "rotation.step";
  public static final String MODE = "rotation.mode";
  public static final String STARTED_AT = "rotation.started_at";
  /** Incident mode: the keys deactivated first, comma-separated, deleted at the end. */
  public static final String REVOKED = "rotation.revoked";
  /** The user's IAM keys when the rotation began: any other key at create time is this rotation's. */
  public static final String KEYS_BEFORE = "rotation.keys_before";
  public static final String RETIRE_KEY = "retire.key_id";
  public static final String RETIRE_FINISHED_AT = "retire.finished_at";
  public static final String RETIRE_DEACTIVATED_AT = "retire.deactivated_at";
  /** The first retirement look-up that showed no use of the deactivated key after its rotation finished. */
  public static final String RETIRE_UNUSED_SEEN_AT = "retire.unused_seen_at";
  /**
   * When the grace period chosen by the run that finished ends: a later run with another --grace
   * does not shorten it (absent in state written before it existed: finished_at + --grace).
   */
  public static final String RETIRE_DUE_AT = "retire.due_at";
  /**
   * The run that finished asked for --retire-now: if it stopped before retiring, the next
   * `rotate --retire-now` only completes that retirement instead of rotating once more.
   */
  public static final String RETIRE_NOW = "retire.now";
  /** Incident mode: revoked keys still to delete after the new key took over (comma-separated). */
  public static final String RETIRE_REVOKED = "retire.revoked";
  /** When the last rotation finished (pending became current); kept until the next one finishes. For monitoring. */
  public static final String LAST_FINISHED_AT = "last_rotation.finished_at";

  /** Steps in order; a rotation resumes after the last one recorded. */
  public enum Step { CREATING, CREATED, TESTED, DEPLOYED }

  public enum Mode { SCHEDULED, INCIDENT }

  public RotationState {
    values = Map.copyOf(values);
  }

  public Optional<Step> step() {
    return Optional.ofNullable(values.get(STEP)).map(s -> Step.valueOf(s.toUpperCase(java.util.Locale.ROOT)));
  }

  public boolean inProgress() {
    return values.containsKey(STEP);
  }

  public String token() {
    return values.getOrDefault(TOKEN, "");
  }

  public Mode mode() {
    return Mode.valueOf(values.getOrDefault(MODE, "scheduled").toUpperCase(java.util.Locale.ROOT));
  }

  public java.util.List<String> revoked() {
    return list(REVOKED);
  }

  public java.util.List<String> keysBefore() {
    return list(KEYS_BEFORE);
  }

  private java.util.List<String> list(String key) {
    String list = values.getOrDefault(key, "");
    return list.isEmpty() ? java.util.List.of() : java.util.List.of(list.split(","));
  }

  public Optional<String> retiringKey() {
    return Optional.ofNullable(values.get(RETIRE_KEY));
  }

  public java.util.List<String> revokedToDelete() {
    return list(RETIRE_REVOKED);
  }

  public Optional<Instant> retireFinishedAt() {
    return Optional.ofNullable(values.get(RETIRE_FINISHED_AT)).map(Instant::parse);
  }

  public Optional<Instant> lastFinishedAt() {
    return Optional.ofNullable(values.get(LAST_FINISHED_AT)).map(Instant::parse);
  }

  public Optional<Instant> retireDueAt() {
    return Optional.ofNullable(values.get(RETIRE_DUE_AT)).map(Instant::parse);
  }

  public boolean retireNowRequested() {
    return "true".equals(values.get(RETIRE_NOW));
  }

  public Optional<Instant> retireUnusedSeenAt() {
    return Optional.ofNullable(values.get(RETIRE_UNUSED_SEEN_AT)).map(Instant::parse);
  }

  public Optional<Instant> retireDeactivatedAt() {
    return Optional.ofNullable(values.get(RETIRE_DEACTIVATED_AT)).map(Instant::parse);
  }

  public RotationState with(String key, String value) {
    Map<String, String> next = new HashMap<>(values);
    next.put(key, value);
    return new RotationState(next);
  }

  public RotationState withStep(Step step) {
    return with(STEP, step.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** Drops every rotation.* key: the rotation is over (finished or abandoned). */
  public RotationState withoutRotation() {
    Map<String, String> next = new HashMap<>(values);
    next.keySet().removeIf(key -> key.startsWith("rotation."));
    return new RotationState(next);
  }

  public RotationState withoutRetirement() {
    Map<String, String> next = new HashMap<>(values);
    next.keySet().removeIf(key -> key.startsWith("retire."));
    return new RotationState(next);
  }
}
