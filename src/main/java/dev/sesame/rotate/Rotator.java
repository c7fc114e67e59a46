package dev.sesame.rotate;

import dev.sesame.rotate.KeyLifecycle.IamKey;
import dev.sesame.rotate.KeyLifecycle.KeyUse;
import dev.sesame.rotate.KeyLifecycle.NewKey;
import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.SesCredentials;
import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryLock;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.RotationState;
import dev.sesame.vault.RotationState.Mode;
import dev.sesame.vault.RotationState.Step;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionedCredential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The rotation protocol of design.md section 4: create -> test -> deploy -> finish -> retire, and
 * the incident variant (revoke first, then reissue). Every step is written to the entry's
 * {@link EntryStore} (the vault, or the Secrets Manager store) before the next begins, so a
 * killed run resumes where it stopped; the entry lock keeps two runs apart.
 * At no point are there zero working keys on disk or in IAM, except in incident mode, where
 * stopping a leak comes first by design.
 *
 * <p>The same steps also serve Secrets Manager's rotation protocol one call at a time, with the
 * rotation token chosen by Secrets Manager ({@link #createSecret}, {@link #setSecret},
 * {@link #testSecret}, {@link #finishSecret}; the rotation Lambda {@code dev.sesame.lambda}
 * drives them), and {@link #retireDue} retires the previous key once its grace period is over.
 */
public final class Rotator {
  /**
   * Options of `sesame rotate`.
   *
   * @param drain with RETIRE_NOW: how long the previous key stays active after the deploy's
   *     restarts and health checks passed, for mail already queued or in flight with it
   */
  public record Options(Optional<Duration> ifOlderThan, boolean retireNow, Duration grace, Duration drain) {
    /** Without a drain: the previous key is retired as soon as the deploy is done. */
    public Options(Optional<Duration> ifOlderThan, boolean retireNow, Duration grace) {
      this(ifOlderThan, retireNow, grace, Duration.ZERO);
    }
  }

  /** Waits; tests replace it to see the drain without waiting it out. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** What a `rotate` run did. */
  public enum Outcome { ROTATED, NOT_DUE, ABORTED, NOTHING_TO_ABORT }

  /** What one Secrets Manager rotation step did: its work, or nothing because it was done before. */
  public enum StepOutcome { DONE, ALREADY_DONE }

  /** Where the rotation's audit records go (by default the storage's hash-chained audit log). */
  @FunctionalInterface
  public interface AuditSink {
    void append(AuditLog.Entry record) throws VaultException;
  }

  private final EntryStore storage;
  private final KeyLifecycle iam;
  private final CredentialProver prover;
  private final Deployer deployer;
  private final Clock clock;
  private final Consumer<String> progress;
  private final AuditSink audit;
  /** IAM users looked up by access key id during this run (entries that record none). */
  private final java.util.Map<String, String> ownerOfKey = new java.util.HashMap<>();
  private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
  /** The safety gap between deactivating a previous key and deleting it (see {@link #withDeleteAfter}). */
  private final Duration deleteAfter;

  /** The default safety gap: a whole day between deactivation and deletion. */
  public static final Duration DEFAULT_DELETE_AFTER = Duration.ofHours(24);

  public Rotator(EntryStore storage, KeyLifecycle iam, CredentialProver prover, Deployer deployer, Clock clock,
      Consumer<String> progress) {
    this(storage, iam, prover, deployer, clock, progress, null);
  }

  /** As above, with audit records going to AUDIT instead of the storage's audit log (null: that log). */
  public Rotator(EntryStore storage, KeyLifecycle iam, CredentialProver prover, Deployer deployer, Clock clock,
      Consumer<String> progress, AuditSink audit) {
    this(storage, iam, prover, deployer, clock, progress, audit, DEFAULT_DELETE_AFTER);
  }

  private Rotator(EntryStore storage, KeyLifecycle iam, CredentialProver prover, Deployer deployer, Clock clock,
      Consumer<String> progress, AuditSink audit, Duration deleteAfter) {
    if (deleteAfter.isNegative()) {
      throw new IllegalArgumentException("the gap between deactivating and deleting a key cannot be negative");
    }
    this.deleteAfter = deleteAfter;
    this.audit = audit != null ? audit : record -> storage.auditLog().append(record);
    this.storage = storage;
    this.iam = iam;
    this.prover = prover;
    this.deployer = deployer;
    this.clock = clock;
    this.progress = progress;
  }

  /** This rotator, waiting out --retire-now's drain through SLEEPER (tests). */
  Rotator withSleeper(Sleeper replacement) {
    this.sleeper = replacement;
    return this;
  }

  /**
   * This rotator with another safety gap between deactivating a previous key and deleting it.
   * IAM documents what GetAccessKeyLastUsed holds, not how soon a use shows up in it, so a key is
   * deleted only when two look-ups, at least half the gap apart and the second one at least the
   * whole gap after the deactivation, both show no use after its rotation finished.
   * `--retire-now` (an explicit request) and the deletion of revoked keys skip the gap.
   */
  public Rotator withDeleteAfter(Duration gap) {
    Rotator copy = new Rotator(storage, iam, prover, deployer, clock, progress, audit, gap);
    copy.sleeper = sleeper;
    return copy;
  }

  /** Scheduled rotation (or its resumption), with due retirements done first. */
  public Outcome rotate(String name, Options options) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      if (dropStalePending(name, snap)) {
        snap = snapshot(name);
      }
      if (snap.state.inProgress()) {
        progress.accept("resuming rotation " + snap.state.token() + " of " + name + " after step "
            + snap.state.step().orElseThrow().name().toLowerCase(java.util.Locale.ROOT));
        return finishRotation(name, snap, options);
      }
      // With --retire-now a key still in its grace period is retired below: no "stays active" line.
      retireIfDue(name, snap, options.grace(), !options.retireNow());
      snap = snapshot(name);
      if (snap.state.retiringKey().isPresent() && snap.state.retireNowRequested() && options.retireNow()) {
        // The last run finished its rotation with --retire-now and stopped before retiring: this
        // rerun completes that run; it does not start another rotation.
        progress.accept("the last rotation of " + name + " finished but stopped before retiring its previous key "
            + snap.state.retiringKey().get() + "; retiring it now");
        writeState(name, snap.state.with(RotationState.RETIRE_NOW, "false"));
        drainThenRetire(name, options);
        return Outcome.ROTATED;
      }
      if (options.ifOlderThan().isPresent()) {
        Duration age = Duration.between(snap.current.info().createdAt(), clock.instant());
        if (age.compareTo(options.ifOlderThan().get()) < 0) {
          progress.accept(name + ": current key is " + Durations.age(age) + " old, younger than "
              + Durations.age(options.ifOlderThan().get()) + "; nothing to rotate");
          return Outcome.NOT_DUE;
        }
      }
      if (snap.state.retiringKey().isPresent()) {
        if (!options.retireNow()) {
          throw new RotationException(Kind.CONFLICT, "the previous key " + snap.state.retiringKey().get()
              + " of the last rotation of " + name + " is not retired yet; run again after its grace period, "
              + "or with --retire-now");
        }
        snap = retireToMakeRoom(name, snap);
      }
      begin(name, snap, Mode.SCHEDULED, List.of());
      return finishRotation(name, snapshot(name), options);
    }
  }

  /**
   * Incident response: deactivate every key of the user first (the leak stops now), then create,
   * test, deploy and finish a new key, and delete the revoked ones.
   */
  public void revoke(String name, Options options) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      if (snap.state.inProgress() && snap.state.mode() == Mode.INCIDENT) {
        progress.accept("resuming incident rotation " + snap.state.token() + " of " + name);
        finishRotation(name, snap, options);
        return;
      }
      if (snap.state.inProgress() || snap.pending.isPresent()) {
        abandon(name, snap, "superseded by revoke");
        snap = snapshot(name);
      }
      String user = iamUser(snap);
      List<String> revoked = new ArrayList<>();
      for (IamKey key : iam.list(user)) {
        if (key.active()) {
          iam.deactivate(user, key.id());
        }
        revoked.add(key.id());
        record(name, "revoke", key.id(), "ok", "deactivated");
        progress.accept("deactivated " + key.id() + " (created " + key.created() + "); last used: "
            + iam.lastUsed(user, key.id()).map(KeyUse::describe).orElse("never"));
      }
      progress.accept("all " + revoked.size() + " keys of IAM user " + user
          + " are inactive: SES refuses them from now on");
      begin(name, snapshot(name), Mode.INCIDENT, revoked);
      finishRotation(name, snapshot(name), options);
      progress.accept("where to look next: CloudTrail event history for the revoked key ids (who used them, "
          + "from which IP), and SES sending statistics and the account's bounce/complaint dashboard for "
          + "what was sent; check the sending user's policies with sesame doctor");
    }
  }

  /** `rotate --abort`: delete the pending key, drop the pending version, put targets back. */
  public Outcome abort(String name) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      if (!snap.state.inProgress() && snap.pending.isEmpty()) {
        progress.accept(name + ": no rotation in progress");
        return Outcome.NOTHING_TO_ABORT;
      }
      abandon(name, snap, "aborted");
      return Outcome.ABORTED;
    }
  }

  // ---- Secrets Manager's rotation steps, with the token Secrets Manager chose ------------------

  /**
   * Secrets Manager's createSecret for rotation TOKEN: first the previous rotation's key is
   * retired if its grace period is over (IAM allows two keys per user, and the new key needs the
   * slot), then a new IAM key is created and stored as the AWSPENDING version TOKEN. Re-invoked
   * with the same token (Secrets Manager retries), it finishes an interrupted create or does
   * nothing. A rotation still recorded under another token (a run of `sesame rotate --store`
   * killed before it stored its key, or an earlier rotation given up) is abandoned first.
   *
   * @throws RotationException CONFLICT while the previous key is still in its grace period or was
   *     used after its rotation finished (it is never deleted then), or an incident rotation is
   *     in progress
   */
  public StepOutcome createSecret(String name, String token, Duration grace) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      if (snap.state.inProgress() && snap.state.token().equals(token)) {
        if (snap.state.step().orElseThrow() != Step.CREATING) {
          progress.accept(name + ": the new key of rotation " + token + " is already stored");
          return StepOutcome.ALREADY_DONE;
        }
        create(name, snap);
        return StepOutcome.DONE;
      }
      if (dropStalePending(name, snap)) {
        // AWSPENDING was on TOKEN's version (one version holds it), whose value is immutable and
        // whose key was deleted when its rotation was given up: this token cannot be completed.
        throw new RotationException(Kind.CONFLICT, "version " + token + " of " + name + " holds the key of a rotation "
            + "that was given up earlier; its AWSPENDING label was removed, so the next rotation starts afresh");
      }
      List<String> keysBefore = null;
      if (snap.state.inProgress()) {
        if (snap.state.mode() == Mode.INCIDENT) {
          throw new RotationException(Kind.CONFLICT, "an incident rotation of " + name
              + " is in progress; finish it first with: sesame revoke " + name + storage.commandOption());
        }
        if (snap.state.step().orElseThrow().compareTo(Step.TESTED) >= 0 && snap.pending.isPresent()) {
          // A tested rotation whose finish was cut short (Secrets Manager let a new rotation start,
          // so AWSCURRENT is already on its version): complete it; abandoning would delete the
          // key hosts now pull.
          progress.accept("completing rotation " + snap.state.token() + " of " + name
              + ", whose key passed its test but whose finish was not recorded");
          finish(name, snap);
          snap = snapshot(name);
        } else {
          if (snap.state.step().orElseThrow() == Step.CREATING) {
            // Killed between CreateAccessKey and storing the key: only the old key list tells that key apart.
            keysBefore = snap.state.keysBefore();
          }
          abandon(name, snap, "superseded by Secrets Manager rotation " + token);
          snap = snapshot(name);
        }
      }
      retireBeforeRotation(name, snap, grace);
      begin(name, snapshot(name), Mode.SCHEDULED, List.of(), token, keysBefore);
      create(name, snapshot(name));
      return StepOutcome.DONE;
    }
  }

  /**
   * Secrets Manager's setSecret: Sesame's deploy step. A store entry has nothing to deploy here:
   * hosts pull AWSCURRENT, so they take the new key after finishSecret (design.md section 4 puts
   * deploy after the SMTP test, which Secrets Manager runs after this step).
   */
  public StepOutcome setSecret(String name, String token) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      requireRotation(name, snap, token, Step.CREATED);
      progress.accept(name + ": nothing to set; hosts pull AWSCURRENT and take the new key after finishSecret");
      return StepOutcome.ALREADY_DONE;
    }
  }

  /**
   * Secrets Manager's testSecret: the SMTP proof (STARTTLS + AUTH, retried while IAM propagates)
   * of the AWSPENDING version TOKEN. On failure the new IAM key is deleted, AWSPENDING is taken
   * off the version and AWSCURRENT is untouched; the rotation is over.
   */
  public StepOutcome testSecret(String name, String token) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      requireRotation(name, snap, token, Step.CREATED);
      if (snap.state.step().orElseThrow() != Step.CREATED) {
        progress.accept(name + ": the new key of rotation " + token + " has passed its SMTP test already");
        return StepOutcome.ALREADY_DONE;
      }
      test(name, snap);
      return StepOutcome.DONE;
    }
  }

  /**
   * Secrets Manager's finishSecret: AWSCURRENT moves to version TOKEN (AWSPREVIOUS to the old
   * one), and the old key is recorded for retirement after the grace period: it stays active
   * until then, since hosts pull on their own schedule.
   */
  public StepOutcome finishSecret(String name, String token) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      requireRotation(name, snap, token, Step.TESTED);
      finish(name, snap);
      progress.accept("previous key " + keyOf(snap.current) + " stays active for the grace period; "
          + "a later retirement run deactivates, then deletes it");
      return StepOutcome.DONE;
    }
  }

  /** Whether a rotation under TOKEN is recorded for NAME (started and not yet finished or abandoned). */
  public boolean rotationRecorded(String name, String token) throws VaultException {
    RotationState state = snapshot(name).state;
    return state.inProgress() && state.token().equals(token);
  }

  /**
   * Retirement on a schedule (the Lambda's scheduled event, like a `sesame rotate` timer run):
   * once the grace period after the last rotation is over, the previous key is deactivated; a
   * later run deletes it unless it was used after that rotation finished.
   */
  public void retireDue(String name, Duration grace) throws RotationException, VaultException {
    try (EntryLock lock = storage.lock(name)) {
      EntryView snap = snapshot(name);
      if (dropStalePending(name, snap)) {
        snap = snapshot(name);
      }
      retireIfDue(name, snap, grace, true);
    }
  }

  /**
   * Repairs a pending version that no rotation records: a run killed inside an abort or a
   * rollback, after the bookkeeping was cleared (its key already deleted) but before the pending
   * version was dropped. In a Secrets Manager store that leftover AWSPENDING is not harmless:
   * RotateSecret refuses to start while AWSPENDING is on a version other than AWSCURRENT ("any
   * later invocation of RotateSecret assumes that a previous rotation request is still in
   * progress and returns an error", API reference: RotateSecret). Only the label goes: no IAM
   * key is touched. Returns whether there was one.
   */
  private boolean dropStalePending(String name, EntryView snap) throws VaultException {
    if (snap.state.inProgress() || snap.pending.isEmpty()) {
      return false;
    }
    storage.dropPending(name, snap.state.values());
    record(name, "abort", "", "ok", "dropped a pending version no rotation records (left by an interrupted run)");
    progress.accept(name + ": dropped a pending version that no rotation records, left by an interrupted run");
    return true;
  }

  /** The rotation recorded for NAME must be TOKEN's and have reached at least step LEAST. */
  private static void requireRotation(String name, EntryView snap, String token, Step least) throws RotationException {
    if (!snap.state.inProgress() || !snap.state.token().equals(token)) {
      throw new RotationException(Kind.CONFLICT, "no rotation " + token + " of " + name + " is in progress"
          + (snap.state.inProgress() ? " (rotation " + snap.state.token() + " is)" : "")
          + "; createSecret has not run for it, or it was given up");
    }
    Step step = snap.state.step().orElseThrow();
    if (step.compareTo(least) < 0) {
      throw new RotationException(Kind.CONFLICT, "rotation " + token + " of " + name + " is at step "
          + step.name().toLowerCase(java.util.Locale.ROOT) + "; "
          + (least == Step.TESTED ? "testSecret has not passed" : "createSecret has not stored the new key"));
    }
  }

  /**
   * Before a Secrets Manager rotation creates a key: revoked keys left by an incident go, and the
   * previous key is retired if its grace period is over (deactivated, then deleted unless used
   * after its rotation finished). A key still in its grace period, or kept because in use, stops
   * the rotation: it holds the second of IAM's two key slots, and hosts may still use it.
   */
  private void retireBeforeRotation(String name, EntryView snap, Duration grace) throws RotationException, VaultException {
    if (!snap.state.revokedToDelete().isEmpty()) {
      deleteRevoked(name, snap);
      snap = snapshot(name);
    }
    Optional<String> retiring = snap.state.retiringKey();
    if (retiring.isEmpty()) {
      return;
    }
    Instant due = dueAt(snap.state, grace);
    if (clock.instant().isBefore(due)) {
      throw new RotationException(Kind.CONFLICT, "the previous key " + retiring.get() + " of " + name
          + " stays active until " + due + " (grace period), and a new key would be a third (IAM allows two per user); "
          + "rotate less often than the grace period plus the deletion gap, or retire it early with: sesame rotate "
          + name + storage.commandOption() + " --retire-now");
    }
    // Past the grace period: the same careful retirement as a scheduled run, never a quick delete.
    Optional<String> why = retireIfDue(name, snap, grace, true);
    if (why.isPresent()) {
      throw new RotationException(Kind.CONFLICT, "the previous key " + retiring.get() + " of " + name + " "
          + why.get() + ", and a new key would be a third (IAM allows two per user); rotate less often than the grace"
          + " period plus the deletion gap and let the retirement schedule run, or retire it early with: sesame rotate "
          + name + storage.commandOption() + " --retire-now");
    }
  }

  /**
   * Retires the previous key at once so a new key can take its IAM slot, and returns the entry as
   * it is then. A key kept because it was used after the last rotation finished stops the rotation:
   * a new key would need its slot (IAM allows two per user), and a key in use is never deleted.
   */
  private EntryView retireToMakeRoom(String name, EntryView snap) throws RotationException, VaultException {
    retireNow(name, snap);
    EntryView after = snapshot(name);
    Optional<String> kept = after.state.retiringKey();
    if (kept.isPresent()) {
      throw new RotationException(Kind.CONFLICT, "the previous key " + kept.get() + " of " + name
          + " was used after the last rotation finished, so it is kept (inactive) and no new key can be "
          + "created (IAM allows two per user). Find what still sends with it "
          + "(docs/runbooks/previous-key-in-use.md), or if it may be leaked run: sesame revoke " + name
          + storage.commandOption());
    }
    return after;
  }

  /** Runs the remaining steps of the recorded rotation. */
  private Outcome finishRotation(String name, EntryView snap, Options options)
      throws RotationException, VaultException {
    Step step = snap.state.step().orElseThrow();
    if (step == Step.CREATING) {
      create(name, snap);
      snap = snapshot(name);
      step = Step.CREATED;
    }
    if (step == Step.CREATED) {
      test(name, snap);
      snap = snapshot(name);
      step = Step.TESTED;
    }
    if (step == Step.TESTED) {
      deploy(name, snap);
      snap = snapshot(name);
    }
    Mode mode = snap.state.mode();
    String oldKey = snap.current.credential().field(Credential.ACCESS_KEY_ID).orElse("");
    finish(name, snap, options.retireNow(), Optional.of(options.grace()));
    if (mode == Mode.INCIDENT) {
      deleteRevoked(name, snapshot(name));
    } else if (options.retireNow()) {
      drainThenRetire(name, options);
    } else {
      progress.accept("previous key " + oldKey + " stays active for the grace period ("
          + Durations.age(options.grace()) + ", until " + dueAt(snapshot(name).state, options.grace())
          + "); a later `sesame rotate` run deactivates, then deletes it");
    }
    return Outcome.ROTATED;
  }

  /**
   * `--retire-now` after the deploy: its restarts and health checks have passed (the renderer
   * runs them before it returns); the previous key stays active for the drain so mail already
   * queued or being sent with it goes out, then it is deactivated and deleted.
   */
  private void drainThenRetire(String name, Options options) throws RotationException, VaultException {
    EntryView snap = snapshot(name);
    if (snap.state.retiringKey().isEmpty()) {
      return;
    }
    if (!options.drain().isZero()) {
      progress.accept("previous key " + snap.state.retiringKey().get() + " stays active for "
          + Durations.age(options.drain()) + " while mail in flight with it drains");
      try {
        sleeper.sleep(options.drain());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RotationException(Kind.CONFLICT, "interrupted while draining; rerun with --retire-now to retire "
            + snap.state.retiringKey().get());
      }
    }
    retireNow(name, snapshot(name));
  }

  /** When the grace period of the recorded retirement ends: as recorded, else finished_at + GRACE. */
  private static Instant dueAt(RotationState state, Duration grace) {
    return state.retireDueAt().orElseGet(() -> state.retireFinishedAt().orElse(Instant.EPOCH).plus(grace));
  }

  private void begin(String name, EntryView snap, Mode mode, List<String> revoked)
      throws RotationException, VaultException {
    begin(name, snap, mode, revoked, UUID.randomUUID().toString(), null);
  }

  /** Records a new rotation TOKEN; KEYS_BEFORE (null: the user's keys now) are the keys that are not its own. */
  private void begin(String name, EntryView snap, Mode mode, List<String> revoked, String token,
      List<String> keysBefore) throws RotationException, VaultException {
    String user = iamUser(snap);
    if (keysBefore == null) {
      keysBefore = iam.list(user).stream().map(IamKey::id).toList();
    }
    RotationState state = snap.state
        .with(RotationState.TOKEN, token)
        .with(RotationState.KEYS_BEFORE, String.join(",", keysBefore))
        .with(RotationState.MODE, mode.name().toLowerCase(java.util.Locale.ROOT))
        .with(RotationState.STARTED_AT, clock.instant().toString())
        .with(RotationState.REVOKED, String.join(",", revoked))
        .withStep(Step.CREATING);
    writeState(name, state);
    record(name, "begin", "", "ok", mode.name().toLowerCase(java.util.Locale.ROOT) + " rotation " + state.token());
  }

  private void create(String name, EntryView snap) throws RotationException, VaultException {
    String user = iamUser(snap);
    String currentKey = snap.current.credential().field(Credential.ACCESS_KEY_ID).orElse("");
    // A run killed between CreateAccessKey and saving the pending version leaves a key whose
    // secret nobody has. Any key the user did not have when this rotation began is that key.
    for (IamKey key : iam.list(user)) {
      if (!key.id().equals(currentKey) && !snap.state.keysBefore().contains(key.id())) {
        iam.delete(user, key.id());
        record(name, "create", key.id(), "ok", "deleted a key left by an interrupted run");
        progress.accept("deleted " + key.id() + ", left without a secret by an interrupted run");
      }
    }
    try {
      makeRoom(name, user, currentKey, iam.list(user));
    } catch (RotationException refused) {
      // Nothing was created: the rotation stops here rather than stay recorded at "creating"
      // (which `status` would show, while `put` is allowed).
      abandon(name, snapshot(name), "stopped before creating a key: " + refused.getMessage(), false);
      throw refused;
    }
    NewKey created = createOnce(name, user);
    record(name, "create", created.id(), "ok", "created");
    progress.accept("created access key " + created.id() + " for IAM user " + user);
    Credential pending = SesCredentials.withNewKey(snap.current.credential(), user, created.id(), created.secret());
    storage.savePending(name, pending, snap.state.token(), snap.state.withStep(Step.CREATED).values());
  }

  /**
   * CreateAccessKey, one attempt (the SDK never retries it). When it fails, the answer may have
   * been lost after IAM created the key: a key that appeared meanwhile is that one. IAM never
   * hands out its secret again, so it is deleted and a key created once more.
   */
  private NewKey createOnce(String name, String user) throws RotationException, VaultException {
    List<String> before = iam.list(user).stream().map(IamKey::id).toList();
    for (int attempt = 1; ; attempt++) {
      try {
        return iam.create(user);
      } catch (RotationException failure) {
        if (failure.kind() != Kind.AWS) {
          throw failure;
        }
        List<String> appeared = iam.list(user).stream().map(IamKey::id).filter(id -> !before.contains(id)).toList();
        if (appeared.size() != 1) {
          throw failure;
        }
        String lost = appeared.get(0);
        iam.delete(user, lost);
        record(name, "create", lost, "ok", "deleted a key whose CreateAccessKey answer was lost");
        progress.accept("CreateAccessKey created " + lost + " but its answer was lost (" + failure.getMessage()
            + "); deleted it, since IAM never shows its secret again");
        if (attempt == 2) {
          throw failure;
        }
      }
    }
  }

  /** IAM allows two keys per user: an inactive non-current key may go; two active keys stop us. */
  private void makeRoom(String name, String user, String currentKey, List<IamKey> existing)
      throws RotationException, VaultException {
    if (existing.size() < 2) {
      return;
    }
    Optional<IamKey> inactiveOther = existing.stream()
        .filter(k -> !k.id().equals(currentKey) && !k.active()).findFirst();
    if (inactiveOther.isPresent()) {
      iam.delete(user, inactiveOther.get().id());
      record(name, "create", inactiveOther.get().id(), "ok", "deleted inactive key to make room");
      progress.accept("deleted inactive key " + inactiveOther.get().id() + " (IAM allows two keys per user)");
      return;
    }
    IamKey other = existing.stream().filter(k -> !k.id().equals(currentKey)).findFirst().orElse(existing.get(0));
    String lastUse = iam.lastUsed(user, other.id()).map(use -> "last used " + use.describe()).orElse("never used");
    throw new RotationException(Kind.CONFLICT, "IAM user " + user + " already has two active access keys ("
        + other.id() + " besides the current one; " + lastUse + "); IAM allows two per user. "
        + "Retire it first, or if it may be leaked run: sesame revoke " + name + storage.commandOption());
  }

  private void test(String name, EntryView snap) throws RotationException, VaultException {
    VersionedCredential pending = snap.pending.orElseThrow(() -> lostPending(name));
    progress.accept("testing the new key with an SMTP login (retrying while IAM propagates it)");
    try {
      prover.prove(pending.credential());
    } catch (RotationException failure) {
      record(name, "test", keyOf(pending), "failed", failure.getMessage());
      rollBack(name, snapshot(name), "the new key failed its SMTP test", false);
      throw failure;
    }
    record(name, "test", keyOf(pending), "ok", "SMTP AUTH accepted");
    writeState(name, snap.state.withStep(Step.TESTED));
  }

  private void deploy(String name, EntryView snap) throws RotationException, VaultException {
    VersionedCredential pending = snap.pending.orElseThrow(() -> lostPending(name));
    try {
      deployer.deploy(name, pending);
    } catch (RotationException failure) {
      record(name, "deploy", keyOf(pending), "failed", failure.getMessage());
      // The renderer has already restored every target of the set.
      rollBack(name, snapshot(name), "deploying the new key failed; every target was restored", false);
      throw failure;
    }
    record(name, "deploy", keyOf(pending), "ok", "targets rendered");
    writeState(name, snap.state.withStep(Step.DEPLOYED));
  }

  private void finish(String name, EntryView snap) throws RotationException, VaultException {
    finish(name, snap, false, Optional.empty());
  }

  /**
   * RETIRE_NOW: the run retires the previous key right after this (recorded, see
   * RotationState.RETIRE_NOW). GRACE, when the run knows it, fixes when the grace period ends.
   */
  private void finish(String name, EntryView snap, boolean retireNow, Optional<Duration> grace)
      throws RotationException, VaultException {
    VersionedCredential pending = snap.pending.orElseThrow(() -> lostPending(name));
    String oldKey = keyOf(snap.current);
    RotationState next = snap.state.withoutRotation().with(RotationState.LAST_FINISHED_AT, clock.instant().toString());
    if (snap.state.mode() == Mode.INCIDENT) {
      // Every older key was revoked; remember them until deleted, so no later run revokes the new one.
      next = next.withoutRetirement().with(RotationState.RETIRE_REVOKED, String.join(",", snap.state.revoked()));
    } else if (!oldKey.isEmpty()) {
      Instant finishedAt = clock.instant();
      next = next.with(RotationState.RETIRE_KEY, oldKey)
          .with(RotationState.RETIRE_FINISHED_AT, finishedAt.toString());
      if (grace.isPresent()) {
        next = next.with(RotationState.RETIRE_DUE_AT, finishedAt.plus(grace.get()).toString());
      }
      if (retireNow) {
        next = next.with(RotationState.RETIRE_NOW, "true");
      }
    }
    storage.promotePending(name, next.values());
    record(name, "finish", keyOf(pending), "ok", "pending is now current");
    progress.accept(name + ": " + keyOf(pending) + " is now current");
  }

  private void deleteRevoked(String name, EntryView snap) throws RotationException, VaultException {
    String user = iamUser(snap);
    for (String keyId : snap.state.revokedToDelete()) {
      try {
        iam.delete(user, keyId);
      } catch (RotationException e) {
        if (e.kind() != Kind.NOT_FOUND) {
          throw e;
        }
      }
      record(name, "retire", keyId, "ok", "deleted revoked key");
      progress.accept("deleted revoked key " + keyId);
    }
    writeState(name, snap.state.withoutRetirement());
  }

  /**
   * A later run's maintenance: deactivate after the grace period; delete once the deletion gap
   * has passed and two spaced look-ups of the key's last use agree it was not used after its
   * rotation finished. Returns why the previous key is still there, if it is. SAY_WHEN_DUE: print
   * when a key in its grace period is due (not when --retire-now retires it right after).
   */
  private Optional<String> retireIfDue(String name, EntryView snap, Duration grace, boolean sayWhenDue)
      throws RotationException, VaultException {
    if (!snap.state.revokedToDelete().isEmpty()) {
      deleteRevoked(name, snap);
      return Optional.empty();
    }
    Optional<String> retiring = snap.state.retiringKey();
    if (retiring.isEmpty()) {
      return Optional.empty();
    }
    String user = iamUser(snap);
    String keyId = retiring.get();
    Instant finishedAt = snap.state.retireFinishedAt().orElse(Instant.EPOCH);
    Optional<Instant> deactivatedAt = snap.state.retireDeactivatedAt();
    if (deactivatedAt.isEmpty()) {
      Instant due = dueAt(snap.state, grace);
      if (clock.instant().isBefore(due)) {
        if (sayWhenDue) {
          progress.accept("previous key " + keyId + " stays active until " + due + " (grace period)");
        }
        return Optional.of("stays active until " + due + " (grace period)");
      }
      if (!deactivate(name, user, keyId)) {
        return Optional.empty();
      }
      Instant now = clock.instant();
      writeState(name, snap.state.with(RotationState.RETIRE_DEACTIVATED_AT, now.toString()));
      progress.accept("deactivated previous key " + keyId + "; deleted no sooner than " + now.plus(deleteAfter)
          + " if two spaced look-ups show no use after the rotation finished");
      return Optional.of("was deactivated just now and is deleted no sooner than " + now.plus(deleteAfter));
    }
    return deleteWhenSafe(name, snap, user, keyId, finishedAt, deactivatedAt.get());
  }

  /**
   * IAM's GetAccessKeyLastUsed says when a key was last used, not how soon a use appears there
   * (IAM API Reference, GetAccessKeyLastUsed): the first look-up that shows no use after the
   * rotation finished is only recorded; deletion waits for a second one at least half the gap
   * later and at least the whole gap after the deactivation.
   */
  private Optional<String> deleteWhenSafe(String name, EntryView snap, String user, String keyId, Instant finishedAt,
      Instant deactivatedAt) throws RotationException, VaultException {
    Optional<KeyUse> use = iam.lastUsed(user, keyId);
    if (use.isPresent() && use.get().when().isAfter(finishedAt)) {
      return keep(name, keyId, use.get());
    }
    Instant now = clock.instant();
    Optional<Instant> firstClean = snap.state.retireUnusedSeenAt();
    Instant earliest = deactivatedAt.plus(deleteAfter);
    if (firstClean.isEmpty()) {
      writeState(name, snap.state.with(RotationState.RETIRE_UNUSED_SEEN_AT, now.toString()));
      Instant next = later(earliest, now.plus(deleteAfter.dividedBy(2)));
      progress.accept("previous key " + keyId + " (inactive) shows no use after the rotation finished; deleted on a run"
          + " from " + next + " if IAM still shows none then");
      return Optional.of("is inactive and deleted no sooner than " + next + " (deletion gap)");
    }
    Instant next = later(earliest, firstClean.get().plus(deleteAfter.dividedBy(2)));
    if (now.isBefore(next)) {
      progress.accept("previous key " + keyId + " stays inactive until " + next + " (deletion gap)");
      return Optional.of("is inactive and deleted no sooner than " + next + " (deletion gap)");
    }
    delete(name, snap, user, keyId, use);
    return Optional.empty();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private Optional<String> keep(String name, String keyId, KeyUse use) throws VaultException {
    record(name, "retire", keyId, "kept", "used after the rotation finished");
    progress.accept("previous key " + keyId + " was used after the rotation finished (" + use.describe()
        + "); kept, inactive. Find what still sends with it (docs/runbooks/previous-key-in-use.md)");
    return Optional.of("was used after the last rotation finished, so it is kept (inactive); find what still sends "
        + "with it (docs/runbooks/previous-key-in-use.md)");
  }

  /** `--retire-now`: deactivate and delete the previous key at once (unless it is still in use). */
  private void retireNow(String name, EntryView snap) throws RotationException, VaultException {
    Optional<String> retiring = snap.state.retiringKey();
    if (retiring.isEmpty()) {
      return;
    }
    String user = iamUser(snap);
    if (deactivate(name, user, retiring.get())) {
      deleteIfUnused(name, snapshot(name), user, retiring.get(), snap.state.retireFinishedAt().orElse(Instant.EPOCH));
    }
  }

  /** Returns false (and forgets the key) when IAM no longer has it. */
  private boolean deactivate(String name, String user, String keyId) throws RotationException, VaultException {
    try {
      iam.deactivate(user, keyId);
    } catch (RotationException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
      writeState(name, snapshot(name).state.withoutRetirement());
      progress.accept("previous key " + keyId + " no longer exists in IAM");
      return false;
    }
    record(name, "retire", keyId, "ok", "deactivated previous key");
    return true;
  }

  /** `--retire-now`: one look-up, then delete unless used after the rotation finished. */
  private void deleteIfUnused(String name, EntryView snap, String user, String keyId, Instant finishedAt)
      throws RotationException, VaultException {
    Optional<KeyUse> use = iam.lastUsed(user, keyId);
    if (use.isPresent() && use.get().when().isAfter(finishedAt)) {
      keep(name, keyId, use.get());
      return;
    }
    delete(name, snap, user, keyId, use);
  }

  private void delete(String name, EntryView snap, String user, String keyId, Optional<KeyUse> use)
      throws RotationException, VaultException {
    try {
      iam.delete(user, keyId);
    } catch (RotationException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
    }
    writeState(name, snap.state.withoutRetirement());
    record(name, "retire", keyId, "ok", "deleted previous key");
    progress.accept("deleted previous key " + keyId + " (last used: "
        + use.map(KeyUse::describe).orElse("never") + ")");
  }

  /** After a failed test or deploy: the new key goes, current stays, the rotation is over. */
  private void rollBack(String name, EntryView snap, String why, boolean restoreTargets)
      throws RotationException, VaultException {
    progress.accept(why + "; deleting the new key and keeping the current one");
    abandon(name, snap, why, restoreTargets);
  }

  private void abandon(String name, EntryView snap, String why) throws RotationException, VaultException {
    Optional<Step> step = snap.state.step();
    abandon(name, snap, why, step.isPresent() && step.get().compareTo(Step.TESTED) >= 0);
  }

  /** Deletes the pending IAM key, optionally renders current back, drops pending and state. */
  private void abandon(String name, EntryView snap, String why, boolean restoreTargets)
      throws RotationException, VaultException {
    if (restoreTargets) {
      // A deploy killed mid-way may have swapped some targets: render current back (unchanged ones are no-ops).
      deployer.deploy(name, snap.current);
    }
    String user = iamUser(snap);
    if (snap.pending.isPresent() && !keyOf(snap.pending.get()).equals(keyOf(snap.current))) {
      String pendingKey = keyOf(snap.pending.get());
      try {
        iam.delete(user, pendingKey);
      } catch (RotationException e) {
        if (e.kind() != Kind.NOT_FOUND) {
          throw e;
        }
      }
      record(name, "abort", pendingKey, "ok", why);
      progress.accept("deleted pending key " + pendingKey);
    } else {
      record(name, "abort", "", "ok", why);
    }
    RotationState cleared = snap.state.withoutRotation();
    if (snap.pending.isPresent()) {
      storage.dropPending(name, cleared.values());
    } else {
      storage.saveState(name, cleared.values());
    }
  }

  private void writeState(String name, RotationState state) throws VaultException {
    storage.saveState(name, state.values());
  }

  private void record(String name, String step, String keyId, String result, String detail) throws VaultException {
    audit.append(new AuditLog.Entry(iam.actor(), name, step, AuditLog.keyHint(keyId), result, detail));
  }

  private EntryView snapshot(String name) throws VaultException {
    EntryStore.Snapshot read = storage.snapshot(name);
    return new EntryView(read.current(), read.pending(), new RotationState(read.state()));
  }

  /**
   * The entry's IAM user: as recorded, or for an entry that records none but holds an access key
   * id (an imported SMTP password), the key's owner as IAM names it (GetAccessKeyLastUsed's
   * UserName), looked up once per run. The new key's version records it.
   */
  private String iamUser(EntryView snap) throws RotationException {
    Credential current = snap.current.credential();
    String user = current.field(Credential.IAM_USER).orElse("");
    String keyId = current.field(Credential.ACCESS_KEY_ID).orElse("");
    if (current.type() != EntryType.SES || (user.isEmpty() && keyId.isEmpty())) {
      throw new RotationException(Kind.INVALID, "entry " + snap.current.name()
          + " is not an SES credential with an IAM user; store it with: sesame put NAME --iam-user USER ...");
    }
    if (!user.isEmpty()) {
      return user;
    }
    String known = ownerOfKey.get(keyId);
    if (known != null) {
      return known;
    }
    Optional<String> owner;
    try {
      owner = iam.owner(keyId);
    } catch (RotationException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
      owner = Optional.empty();
    }
    String found = owner.orElseThrow(() -> new RotationException(Kind.NOT_FOUND, "IAM does not know access key "
        + keyId + " of entry " + snap.current.name() + " (deleted, or in another account), so its IAM user is "
        + "unknown; store the entry again naming the user: sesame import/put NAME ... --iam-user USER"));
    progress.accept("entry " + snap.current.name() + " names no IAM user; IAM says access key " + keyId
        + " belongs to " + found);
    ownerOfKey.put(keyId, found);
    return found;
  }

  private static String keyOf(VersionedCredential version) {
    return version.credential().field(Credential.ACCESS_KEY_ID).orElse("");
  }

  private RotationException lostPending(String name) {
    return new RotationException(Kind.CONFLICT, "the rotation state of " + name + " names a step past create but "
        + "the pending version is missing; run: sesame rotate " + name + storage.commandOption() + " --abort");
  }

  /** The entry as one snapshot read it, its rotation state parsed. */
  private record EntryView(VersionedCredential current, Optional<VersionedCredential> pending, RotationState state) {}
}
