package dev.sesame.render;

import dev.sesame.files.AtomicReplace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Finishes the render sets a killed run left in the {@link SetJournal}, before a new set starts:
 * <ul>
 *   <li>killed while swapping (or restarting, or health-checking): the candidates not renamed yet
 *       are renamed into place (each passed its check before the journal was written), then the
 *       set's restarts and health checks run, since nothing tells whether they ran; a failing one
 *       rolls the set back from the {@code .bak} files, as the killed run would have;
 *   <li>killed while rolling back: the swapped targets are restored from their {@code .bak}
 *       files, the other candidates removed, and the restarts run again.
 * </ul>
 * Every step is idempotent: a recovery killed in turn is redone by the run after.
 */
final class SetRecovery {
  private final SetJournal journal;
  private final BiPredicate<String, Optional<Path>> command;
  private final PrintStream progress;

  /** COMMAND runs a check/restart/health command and says whether it succeeded. */
  SetRecovery(SetJournal journal, BiPredicate<String, Optional<Path>> command, PrintStream progress) {
    this.journal = journal;
    this.command = command;
    this.progress = progress;
  }

  void completeInterrupted() throws RenderException {
    for (SetJournal.Entry set : journal.pending()) {
      if (set.phase() == SetJournal.Phase.ROLLING_BACK) {
        progress.println("rolling back a render set interrupted at " + set.started() + " while it rolled back ("
            + set.items().size() + " targets)");
        rollBack(set);
      } else {
        progress.println("completing a render set interrupted at " + set.started() + " ("
            + set.items().size() + " changed targets)");
        complete(set);
      }
    }
  }

  private void complete(SetJournal.Entry set) throws RenderException {
    Set<Path> folders = new LinkedHashSet<>();
    for (SetJournal.Item item : set.items()) {
      if (!Files.exists(item.candidate(), LinkOption.NOFOLLOW_LINKS)) {
        continue;  // renamed into place before the kill
      }
      try {
        if (item.existed() && Files.isRegularFile(item.out(), LinkOption.NOFOLLOW_LINKS)) {
          TargetFiles.linkBackup(item.out(), Renderer.backupOf(item.out()), Files.readAllBytes(item.out()),
              TargetFiles.Attributes.of(item.out()));
        }
        TargetFiles.setPermissions(item.candidate(), item.permissions());
        AtomicReplace.renameInto(item.candidate(), item.out());
        folders.add(item.out().getParent());
        progress.println("changed      " + item.out());
      } catch (IOException e) {
        throw new RenderException(RenderException.Reason.SWAP_FAILED, "cannot complete the interrupted set: "
            + item.out() + ": " + e.getClass().getSimpleName() + "; its journal " + set.file() + " is kept", e);
      }
    }
    syncFolders(folders);
    List<String> restarts = distinct(set, SetJournal.Item::restart);
    for (String cmd : restarts) {
      progress.println("restart      " + cmd);
      if (!command.test(cmd, Optional.empty())) {
        rollBack(rollingBack(set));
        throw new RenderException(RenderException.Reason.RESTART_FAILED, "restart command failed while completing "
            + "an interrupted set: " + cmd + "; its previous files restored and restarts run again");
      }
    }
    for (String cmd : distinct(set, SetJournal.Item::health)) {
      progress.println("health       " + cmd);
      if (!command.test(cmd, Optional.empty())) {
        rollBack(rollingBack(set));
        throw new RenderException(RenderException.Reason.HEALTH_FAILED, "health command failed while completing "
            + "an interrupted set: " + cmd + "; its previous files restored and restarts run again");
      }
    }
    remove(set);
    progress.println("completed the interrupted set");
  }

  /** Every target of a completed set is swapped; the journal says it is rolling back. */
  private SetJournal.Entry rollingBack(SetJournal.Entry set) throws RenderException {
    List<SetJournal.Item> swapped = new ArrayList<>();
    for (SetJournal.Item item : set.items()) {
      swapped.add(new SetJournal.Item(item.out(), item.candidate(), item.existed(), item.permissions(),
          item.restart(), item.health(), true));
    }
    SetJournal.Entry next = set.rollingBack(swapped);
    try {
      journal.rewrite(next);
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO, "cannot update the set journal " + set.file()
          + ": " + e.getClass().getSimpleName(), e);
    }
    return next;
  }

  private void rollBack(SetJournal.Entry set) throws RenderException {
    Set<Path> folders = new LinkedHashSet<>();
    for (SetJournal.Item item : set.items()) {
      try {
        Files.deleteIfExists(item.candidate());
        if (!item.swapped()) {
          continue;
        }
        Path backup = Renderer.backupOf(item.out());
        if (!item.existed()) {
          Files.deleteIfExists(item.out());
          folders.add(item.out().getParent());
        } else if (Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS)) {
          TargetFiles.replace(item.out(), Files.readAllBytes(backup), TargetFiles.Attributes.of(backup));
        } else {
          progress.println("NOT RESTORED " + item.out() + " (its backup " + backup + " is missing)");
          continue;
        }
        progress.println("restored     " + item.out());
      } catch (IOException e) {
        progress.println("NOT RESTORED " + item.out() + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    syncFolders(folders);
    for (String cmd : distinct(set, SetJournal.Item::restart)) {
      progress.println("restart      " + cmd + " (after rollback)");
      if (!command.test(cmd, Optional.empty())) {
        progress.println("restart after rollback failed: " + cmd);
      }
    }
    remove(set);
  }

  private void syncFolders(Set<Path> folders) throws RenderException {
    try {
      for (Path folder : folders) {
        AtomicReplace.syncFolder(folder);
      }
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO, "cannot sync " + folders + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  private void remove(SetJournal.Entry set) throws RenderException {
    try {
      journal.remove(set);
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO, "cannot remove the set journal " + set.file() + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static List<String> distinct(SetJournal.Entry set, Function<SetJournal.Item, Optional<String>> command) {
    Set<String> commands = new LinkedHashSet<>();
    for (SetJournal.Item item : set.items()) {
      command.apply(item).ifPresent(commands::add);
    }
    return List.copyOf(commands);
  }
}
