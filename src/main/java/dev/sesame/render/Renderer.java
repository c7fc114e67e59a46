package dev.sesame.render;

import dev.sesame.files.AtomicReplace;
import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a set of targets all-or-nothing (design.md section 5):
 * <ol>
 *   <li>render every target and run its check on a candidate beside it; any failure removes the
 *       candidates and changes nothing;
 *   <li>swap every changed target (keeping one {@code .bak} of its previous content);
 *   <li>run each distinct restart command of the changed targets once, then the health commands;
 *   <li>any failure in 2-3 restores every swapped file from its previous content, runs the
 *       restarts again, and raises.
 * </ol>
 * Targets whose content and attributes are already right are left alone and trigger no restart.
 */
public final class Renderer {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);
  /** Templates and rendered targets are config files; anything this large is a mistake. */
  static final int MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;
  private final Duration commandTimeout;
  private final Optional<SetJournal> journal;
  private final Duration lockTimeout;
  private final boolean allowInsecureFolders;

  public Renderer() {
    this(DEFAULT_TIMEOUT);
  }

  /** A renderer whose check/restart/health commands are killed after COMMAND_TIMEOUT. */
  public Renderer(Duration commandTimeout) {
    this(commandTimeout, Optional.empty(), DEFAULT_LOCK_TIMEOUT, false);
  }

  private Renderer(Duration commandTimeout, Optional<SetJournal> journal, Duration lockTimeout,
      boolean allowInsecureFolders) {
    this.commandTimeout = commandTimeout;
    this.journal = journal;
    this.lockTimeout = lockTimeout;
    this.allowInsecureFolders = allowInsecureFolders;
  }

  /**
   * This renderer with a set journal and the host's render lock in STATE_DIR (see
   * {@link SetJournal}): a set killed half-way is completed by the next run, and candidates a
   * crash left beside a target are removed by the next run that renders it. The CLI always
   * gives one; without it a crash may leave 0600 candidates and a half-swapped set behind.
   */
  public Renderer withStateDir(Path stateDir) {
    return new Renderer(commandTimeout, Optional.of(new SetJournal(stateDir, Clock.systemUTC())), lockTimeout,
        allowInsecureFolders);
  }

  /** How long to wait for another render or rotation holding the render lock (default 30 s). */
  public Renderer withLockTimeout(Duration timeout) {
    return new Renderer(commandTimeout, journal, timeout, allowInsecureFolders);
  }

  /**
   * Writes into folders that another user could write to or that another user owns, which is
   * refused by default ({@link FolderSafety}).
   */
  public Renderer allowingInsecureFolders() {
    return new Renderer(commandTimeout, journal, lockTimeout, true);
  }

  /** TARGET's template filled from FIELDS, as the file would hold it (for `render --stdout`). */
  public String renderToString(Target target, FieldSource fields) throws RenderException {
    return TemplateEngine.render(readTemplate(target.template()), target.template().toString(),
        target.entry(), target.format(), fields, false);
  }

  /** Like {@link #renderToString} with secret fields shown as {@link Fields#MASK}. */
  public String renderMasked(Target target, FieldSource fields) throws RenderException {
    return TemplateEngine.render(readTemplate(target.template()), target.template().toString(),
        target.entry(), target.format(), fields, true);
  }

  /** One target's state between rendering and swapping. */
  private static final class Plan {
    final Target target;
    final Path out;
    final byte[] content;
    final Optional<byte[]> previous;
    final Optional<TargetFiles.Attributes> previousAttributes;
    final TargetFiles.Attributes wanted;
    final boolean changed;
    Path candidate;
    boolean swapped;

    Plan(Target target, Path out, byte[] content, Optional<byte[]> previous,
        Optional<TargetFiles.Attributes> previousAttributes, TargetFiles.Attributes wanted,
        boolean changed) {
      this.target = target;
      this.out = out;
      this.content = content;
      this.previous = previous;
      this.previousAttributes = previousAttributes;
      this.wanted = wanted;
      this.changed = changed;
    }
  }

  /**
   * Renders TARGETS from FIELDS. With DRY_RUN nothing is written and no command runs; the report
   * carries each would-be change with secrets masked. PROGRESS gets one line per step, never a
   * secret.
   */
  public RenderReport apply(List<Target> targets, FieldSource values, boolean dryRun,
      PrintStream progress) throws RenderException {
    // Every secret of the entries rendered, so a failing command's output can be shown masked.
    SecretMask mask = new SecretMask();
    FieldSource fields = mask.recording(values);
    if (dryRun) {
      return dryRun(plan(targets, fields, progress), fields, mask, progress);
    }
    if (journal.isEmpty()) {
      return applyPlans(plan(targets, fields, progress), Optional.empty(), mask, progress);
    }
    try (AutoCloseable lock = journal.get().lock(lockTimeout)) {
      new SetRecovery(journal.get(), this::succeeded, progress).completeInterrupted();
      List<Plan> plans = plan(targets, fields, progress);
      sweepLeftovers(plans, progress);
      return applyPlans(plans, journal, mask, progress);
    } catch (RenderException e) {
      throw e;
    } catch (Exception e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot release the render lock: " + e.getClass().getSimpleName(), e);
    }
  }

  private List<Plan> plan(List<Target> targets, FieldSource fields, PrintStream progress)
      throws RenderException {
    List<Plan> plans = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (Target t : targets) {
      Plan plan = plan(t, fields);
      if (!seen.add(plan.out)) {
        throw new RenderException(RenderException.Reason.TEMPLATE,
            "two targets write the same file " + plan.out);
      }
      warnIfLoose(plan, fields, progress);
      plans.add(plan);
    }
    return plans;
  }

  private RenderReport dryRun(List<Plan> plans, FieldSource fields, SecretMask mask, PrintStream progress)
      throws RenderException {
    List<RenderReport.Outcome> outcomes = new ArrayList<>();
    for (Plan p : plans) {
      if (p.changed) {
        progress.println("would change " + p.out);
        outcomes.add(new RenderReport.Outcome(p.target, p.out, RenderReport.Status.WOULD_CHANGE,
            Optional.of(diff(p, fields, mask))));
      } else {
        progress.println("unchanged    " + p.out);
        outcomes.add(new RenderReport.Outcome(p.target, p.out, RenderReport.Status.UNCHANGED,
            Optional.empty()));
      }
    }
    return new RenderReport(outcomes, List.of(), List.of(), true);
  }

  /**
   * A target holding a secret should be writable by its owner only: anyone who can write it can
   * replace the credential (or, in PHP and shell formats, run code where it is read).
   */
  private void warnIfLoose(Plan plan, FieldSource fields, PrintStream progress) throws RenderException {
    Set<PosixFilePermission> perms = plan.wanted.permissions();
    boolean writable = perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE);
    boolean worldReadable = perms.contains(PosixFilePermission.OTHERS_READ);
    if ((writable || worldReadable) && carriesSecret(plan, fields)) {
      progress.println("warning: " + plan.out + " holds a secret and its mode "
          + PosixFilePermissions.toString(perms) + " lets "
          + (writable ? "group or others write it" : "every user read it")
          + "; use a mode like 0640 or 0600");
    }
  }

  private boolean carriesSecret(Plan plan, FieldSource fields) throws RenderException {
    return !Arrays.equals(plan.content, renderMasked(plan.target, fields).getBytes(StandardCharsets.UTF_8));
  }

  /** Removes candidates that a crash left beside the set's targets (their names are Sesame's own). */
  private static void sweepLeftovers(List<Plan> plans, PrintStream progress) throws RenderException {
    for (Plan p : plans) {
      try {
        for (Path leftover : AtomicReplace.leftoversOf(p.out)) {
          Files.deleteIfExists(leftover);
          progress.println("removed      " + leftover + " (left by an interrupted run)");
        }
      } catch (IOException e) {
        throw new RenderException(RenderException.Reason.IO, "cannot remove the files an interrupted run left beside "
            + p.out + ": " + e.getClass().getSimpleName(), e);
      }
    }
  }

  private RenderReport applyPlans(List<Plan> plans, Optional<SetJournal> journal, SecretMask mask,
      PrintStream progress) throws RenderException {
    Optional<SetJournal.Entry> record = Optional.empty();
    try {
      prepareCandidates(plans, mask);
      record = begin(journal, plans);
      swapAll(plans, journal, record, progress);
    } finally {
      removeCandidates(plans);
    }

    List<String> restarts = distinct(plans, p -> p.target.restart());
    List<String> healths = distinct(plans, p -> p.target.health());
    List<String> restartsRun = new ArrayList<>();
    List<String> healthRun = new ArrayList<>();
    for (String cmd : restarts) {
      progress.println("restart      " + cmd);
      restartsRun.add(cmd);
      ServiceCommand.Outcome outcome = runCommand(cmd, Optional.empty());
      if (!outcome.succeeded()) {
        throw rolledBack(plans, restarts, journal, record, progress, RenderException.Reason.RESTART_FAILED,
            "restart command " + failed(outcome) + ": " + cmd, mask.apply(outcome.lastLines()));
      }
    }
    for (String cmd : healths) {
      progress.println("health       " + cmd);
      healthRun.add(cmd);
      ServiceCommand.Outcome outcome = runCommand(cmd, Optional.empty());
      if (!outcome.succeeded()) {
        throw rolledBack(plans, restarts, journal, record, progress, RenderException.Reason.HEALTH_FAILED,
            "health command " + failed(outcome) + ": " + cmd, mask.apply(outcome.lastLines()));
      }
    }
    finish(journal, record);

    List<RenderReport.Outcome> outcomes = new ArrayList<>();
    for (Plan p : plans) {
      outcomes.add(new RenderReport.Outcome(p.target, p.out,
          p.changed ? RenderReport.Status.CHANGED : RenderReport.Status.UNCHANGED,
          Optional.empty()));
    }
    return new RenderReport(outcomes, restartsRun, healthRun, false);
  }

  /** Journals the changed targets just before the first rename (nothing to journal: empty). */
  private static Optional<SetJournal.Entry> begin(Optional<SetJournal> journal, List<Plan> plans)
      throws RenderException {
    List<SetJournal.Item> items = new ArrayList<>();
    for (Plan p : plans) {
      if (p.changed) {
        items.add(new SetJournal.Item(p.out, p.candidate, p.previous.isPresent(), p.wanted.permissions(),
            p.target.restart(), p.target.health(), false));
      }
    }
    if (journal.isEmpty() || items.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(journal.get().begin(items));
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO, "cannot write the set journal in "
          + journal.get().stateDir() + ": " + e.getClass().getSimpleName() + "; nothing changed", e);
    }
  }

  private static void finish(Optional<SetJournal> journal, Optional<SetJournal.Entry> record) {
    if (journal.isPresent() && record.isPresent()) {
      try {
        journal.get().remove(record.get());
      } catch (IOException e) {
        // The next run completes the set again: it reruns the restarts, which is harmless.
      }
    }
  }

  private Plan plan(Target t, FieldSource fields) throws RenderException {
    Path out = resolveOut(t);
    checkFolders(out);
    byte[] content = renderToString(t, fields).getBytes(StandardCharsets.UTF_8);
    Optional<byte[]> previous = Optional.empty();
    Optional<TargetFiles.Attributes> previousAttributes = Optional.empty();
    try {
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
          throw new RenderException(RenderException.Reason.IO,
              "target " + out + " exists and is not a regular file");
        }
        previous = Optional.of(RegularFiles.readNoFollow(out, "target", MAX_TEMPLATE_BYTES));
        previousAttributes = Optional.of(TargetFiles.Attributes.of(out));
      }
    } catch (FileRefusedException e) {
      throw new RenderException(RenderException.Reason.IO, e.getMessage(), e);
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot read target " + out + ": " + e.getClass().getSimpleName(), e);
    }
    if (t.kind() == Target.Kind.CPANEL_EXIM_LOCAL) {
      if (previous.isEmpty()) {
        throw new RenderException(RenderException.Reason.NOT_FOUND, out + " does not exist; open WHM"
            + " > Exim Configuration Manager > Advanced Editor and Save once, so that cPanel creates it");
      }
      // Latin-1 maps each byte to one char and back: the file's other bytes stay exactly as they are.
      content = EximLocalBlocks.merge(new String(previous.get(), StandardCharsets.ISO_8859_1),
          new String(content, StandardCharsets.ISO_8859_1), t.entry(), out.toString())
          .getBytes(StandardCharsets.ISO_8859_1);
    }
    TargetFiles.Attributes wanted = wantedAttributes(t, previousAttributes);
    boolean changed = previous.isEmpty() || !Arrays.equals(previous.get(), content)
        || !sameAttributes(wanted, previousAttributes.get());
    return new Plan(t, out, content, previous, previousAttributes, wanted, changed);
  }

  private static Path resolveOut(Target t) throws RenderException {
    Path out = t.out().toAbsolutePath().normalize();
    if (Files.isSymbolicLink(out)) {
      if (!t.followSymlinks()) {
        throw new RenderException(RenderException.Reason.SYMLINK_REFUSED,
            "target " + out + " is a symbolic link; refusing to write through it"
                + " (follow-symlinks not set)");
      }
      try {
        return out.toRealPath();
      } catch (IOException e) {
        throw new RenderException(RenderException.Reason.IO,
            "target " + out + " is a symbolic link whose target cannot be resolved", e);
      }
    }
    Path folder = out.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new RenderException(RenderException.Reason.IO,
          "folder of target " + out + " does not exist");
    }
    return out;
  }

  /** Refuses OUT when another user could swap it, unless allowed ({@link FolderSafety}). */
  private void checkFolders(Path out) throws RenderException {
    if (allowInsecureFolders) {
      return;
    }
    Optional<String> problem;
    try {
      problem = FolderSafety.pathProblem(AtomicReplace.folderOf(out));
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot check the folders above " + out + ": " + e.getClass().getSimpleName(), e);
    }
    if (problem.isPresent()) {
      throw new RenderException(RenderException.Reason.INSECURE_FOLDER, "refusing to write " + out + ": "
          + problem.get() + ", so another user could replace or redirect the file; fix the folder, or pass "
          + "--allow-insecure-folder");
    }
  }

  private static TargetFiles.Attributes wantedAttributes(Target t,
      Optional<TargetFiles.Attributes> previous) throws RenderException {
    UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
    Optional<UserPrincipal> owner = previous.flatMap(TargetFiles.Attributes::owner);
    Optional<GroupPrincipal> group = previous.flatMap(TargetFiles.Attributes::group);
    try {
      if (t.owner().isPresent()) {
        owner = Optional.of(names.lookupPrincipalByName(t.owner().get()));
      }
      if (t.group().isPresent()) {
        group = Optional.of(names.lookupPrincipalByGroupName(t.group().get()));
      }
    } catch (UserPrincipalNotFoundException e) {
      throw new RenderException(RenderException.Reason.IO,
          "target " + t.out() + ": no such user or group '" + e.getName() + "'");
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "target " + t.out() + ": cannot look up owner or group", e);
    }
    var permissions = t.mode().map(TargetFiles::permissionsOf)
        .orElseGet(() -> previous.map(TargetFiles.Attributes::permissions)
            .orElseGet(TargetFiles::ownerOnly));
    return new TargetFiles.Attributes(permissions, owner, group);
  }

  private static boolean sameAttributes(TargetFiles.Attributes wanted,
      TargetFiles.Attributes current) {
    return wanted.permissions().equals(current.permissions())
        && (wanted.owner().isEmpty() || wanted.owner().equals(current.owner()))
        && (wanted.group().isEmpty() || wanted.group().equals(current.group()));
  }

  private void prepareCandidates(List<Plan> plans, SecretMask mask) throws RenderException {
    for (Plan p : plans) {
      if (!p.changed) {
        continue;
      }
      try {
        p.candidate = AtomicReplace.writeCandidate(p.out, p.content, false);
        TargetFiles.applyOwnership(p.candidate, p.wanted);
      } catch (IOException e) {
        throw new RenderException(RenderException.Reason.IO,
            "cannot write a candidate beside " + p.out + ": " + e.getClass().getSimpleName(), e);
      }
      if (p.target.check().isPresent()) {
        String cmd = p.target.check().get();
        ServiceCommand.Outcome outcome = runCommand(cmd, Optional.of(p.candidate));
        if (!outcome.succeeded()) {
          throw new RenderException(RenderException.Reason.CHECK_FAILED,
              "check rejected the candidate for " + p.out + " (" + ended(outcome) + "): " + cmd
                  + "; nothing changed", mask.apply(outcome.lastLines()));
        }
      }
    }
    // Every candidate's bytes must be on disk before any rename makes it the target.
    List<Path> candidates = plans.stream().filter(p -> p.candidate != null).map(p -> p.candidate).toList();
    try {
      AtomicReplace.syncFiles(candidates);
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot sync the candidates: " + e.getClass().getSimpleName(), e);
    }
  }

  private void swapAll(List<Plan> plans, Optional<SetJournal> journal, Optional<SetJournal.Entry> record,
      PrintStream progress) throws RenderException {
    for (Plan p : plans) {
      if (!p.changed) {
        progress.println("unchanged    " + p.out);
        continue;
      }
      try {
        if (p.previous.isPresent()) {
          TargetFiles.linkBackup(p.out, backupOf(p.out), p.previous.get(),
              p.previousAttributes.get());
        }
        // The candidate takes its mode only now: until here a leftover is 0600.
        TargetFiles.setPermissions(p.candidate, p.wanted.permissions());
        AtomicReplace.renameInto(p.candidate, p.out);
        p.candidate = null;
        p.swapped = true;
        progress.println("changed      " + p.out);
      } catch (IOException e) {
        rollBack(plans, List.of(), journal, record, progress);
        throw new RenderException(RenderException.Reason.SWAP_FAILED,
            "cannot swap " + p.out + ": " + e.getClass().getSimpleName()
                + "; swapped targets restored", e);
      }
    }
    // One fsync per folder makes every rename (and .bak link) of the set durable.
    Set<Path> folders = new java.util.LinkedHashSet<>();
    plans.stream().filter(p -> p.swapped).forEach(p -> folders.add(p.out.toAbsolutePath().getParent()));
    try {
      for (Path folder : folders) {
        AtomicReplace.syncFolder(folder);
      }
    } catch (IOException e) {
      rollBack(plans, List.of(), journal, record, progress);
      throw new RenderException(RenderException.Reason.SWAP_FAILED,
          "cannot sync " + folders + ": " + e.getClass().getSimpleName() + "; swapped targets restored", e);
    }
  }

  /**
   * Restores every swapped target to its previous content and attributes, removes the
   * candidates not swapped yet, then reruns RESTARTS. The journal says so first, so that a run
   * killed while rolling back is rolled back, not completed, by the next one.
   */
  private boolean rollBack(List<Plan> plans, List<String> restarts, Optional<SetJournal> journal,
      Optional<SetJournal.Entry> record, PrintStream progress) {
    boolean allRestored = true;
    if (journal.isPresent() && record.isPresent()) {
      List<SetJournal.Item> items = new ArrayList<>();
      for (SetJournal.Item item : record.get().items()) {
        boolean swapped = plans.stream().anyMatch(p -> p.swapped && p.out.equals(item.out()));
        items.add(new SetJournal.Item(item.out(), item.candidate(), item.existed(), item.permissions(),
            item.restart(), item.health(), swapped));
      }
      try {
        journal.get().rewrite(record.get().rollingBack(items));
      } catch (IOException e) {
        progress.println("cannot mark the set journal as rolling back (" + e.getClass().getSimpleName()
            + "); rolling back anyway");
      }
    }
    for (int i = plans.size() - 1; i >= 0; i--) {
      Plan p = plans.get(i);
      if (!p.swapped) {
        continue;
      }
      try {
        if (p.previous.isPresent()) {
          TargetFiles.replace(p.out, p.previous.get(), p.previousAttributes.get());
        } else {
          Files.deleteIfExists(p.out);
          AtomicReplace.syncFolder(AtomicReplace.folderOf(p.out));
        }
        p.swapped = false;
        progress.println("restored     " + p.out);
      } catch (IOException e) {
        allRestored = false;
        progress.println("NOT RESTORED " + p.out + " (" + e.getClass().getSimpleName()
            + "); its previous content is in " + backupOf(p.out));
      }
    }
    removeCandidates(plans);
    for (String cmd : restarts) {
      progress.println("restart      " + cmd + " (after rollback)");
      ServiceCommand.Outcome outcome = runCommand(cmd, Optional.empty());
      if (!outcome.succeeded()) {
        // Its output is not shown: the restored files hold earlier secrets that the mask does not know.
        progress.println("restart after rollback " + failed(outcome) + ": " + cmd
            + " (output not shown: the restored files may hold earlier secrets)");
      }
    }
    finish(journal, record);
    return allRestored;
  }

  private void removeCandidates(List<Plan> plans) {
    for (Plan p : plans) {
      if (p.candidate != null) {
        try {
          Files.deleteIfExists(p.candidate);
        } catch (IOException e) {
          // Best effort: a leftover candidate is mode 0600 and named *.sesame-tmp.
        }
        p.candidate = null;
      }
    }
  }

  boolean succeeded(String command, Optional<Path> candidate) {
    return runCommand(command, candidate).succeeded();
  }

  private ServiceCommand.Outcome runCommand(String command, Optional<Path> candidate) {
    try {
      return ServiceCommand.run(command, candidate, commandTimeout);
    } catch (IOException e) {
      return new ServiceCommand.Outcome(Optional.of(-1), List.of("cannot run /bin/sh: " + e.getClass().getSimpleName()));
    }
  }

  /** Rolls PLANS back and returns the failure to raise: REASON when every file was put back. */
  private RenderException rolledBack(List<Plan> plans, List<String> restarts, Optional<SetJournal> journal,
      Optional<SetJournal.Entry> record, PrintStream progress, RenderException.Reason reason, String what,
      List<String> output) {
    if (rollBack(plans, restarts, journal, record, progress)) {
      return new RenderException(reason, what + "; previous files restored and restarts run again", output);
    }
    return new RenderException(RenderException.Reason.ROLLBACK_INCOMPLETE, what
        + "; NOT every previous file could be restored (see the lines above; each has a .bak)", output);
  }

  private static String failed(ServiceCommand.Outcome outcome) {
    return "failed (" + ended(outcome) + ")";
  }

  private static String ended(ServiceCommand.Outcome outcome) {
    return outcome.status().map(status -> "exit " + status).orElse("timed out");
  }

  /**
   * What a dry run shows for a changed target: git-style "old mode"/"new mode" (and owner, group)
   * lines when those change, then the unified diff of the content, secrets masked.
   */
  private String diff(Plan p, FieldSource fields, SecretMask mask) throws RenderException {
    StringBuilder out = new StringBuilder();
    TargetFiles.Attributes wanted = p.wanted;
    if (p.previousAttributes.isPresent()) {
      TargetFiles.Attributes now = p.previousAttributes.get();
      attribute(out, "mode", octal(now.permissions()), octal(wanted.permissions()));
      wanted.owner().ifPresent(owner -> attribute(out, "owner", now.owner().map(Object::toString).orElse("?"),
          owner.getName()));
      wanted.group().ifPresent(group -> attribute(out, "group", now.group().map(Object::toString).orElse("?"),
          group.getName()));
    } else {
      out.append("new file mode ").append(octal(wanted.permissions())).append('\n');
    }
    String oldText = p.previous.map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse("");
    String newReal = new String(p.content, StandardCharsets.UTF_8);
    String newMasked = renderMasked(p.target, fields);
    String oldName = p.previous.isPresent() ? p.out.toString() : "/dev/null";
    for (String line : MaskedDiff.unified(oldName, p.out.toString(), oldText, newReal, newMasked, mask)) {
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** PERMISSIONS as a four-digit octal mode, e.g. 0640. */
  private static String octal(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 (0400) ... OTHERS_EXECUTE ordinal 8 (0001)
    }
    return String.format("%04o", mode);
  }

  private static void attribute(StringBuilder out, String what, String now, String wanted) {
    if (!now.equals(wanted)) {
      out.append("old ").append(what).append(' ').append(now).append('\n');
      out.append("new ").append(what).append(' ').append(wanted).append('\n');
    }
  }

  private static List<String> distinct(List<Plan> plans,
      java.util.function.Function<Plan, Optional<String>> command) {
    Set<String> commands = new LinkedHashSet<>();
    for (Plan p : plans) {
      if (p.changed) {
        command.apply(p).ifPresent(commands::add);
      }
    }
    return List.copyOf(commands);
  }

  static Path backupOf(Path out) {
    return out.resolveSibling(out.getFileName() + ".bak");
  }

  private static String readTemplate(Path template) throws RenderException {
    byte[] bytes;
    try {
      bytes = RegularFiles.read(template, "template", MAX_TEMPLATE_BYTES);
    } catch (NoSuchFileException e) {
      throw new RenderException(RenderException.Reason.NOT_FOUND,
          "template " + template + " does not exist");
    } catch (FileRefusedException e) {
      throw new RenderException(RenderException.Reason.TEMPLATE, e.getMessage(), e);
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.TEMPLATE,
          "cannot read template " + template + ": " + e.getClass().getSimpleName(), e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new RenderException(RenderException.Reason.TEMPLATE,
          "template " + template + " is not valid UTF-8");
    }
  }
}
