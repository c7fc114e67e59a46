package dev.sesame.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a folder lets another user swap what Sesame writes, as OpenSSH's StrictModes judges the
 * path to authorized_keys: every folder from the file up to {@code /} must be owned by root or by
 * the caller, and not writable by others unless the sticky bit keeps them from renaming or
 * deleting other users' files (as in {@code /tmp}).
 */
final class FolderSafety {
  private static final int OTHERS_WRITE = 0002;
  private static final int GROUP_WRITE = 0020;
  private static final int STICKY = 01000;

  private FolderSafety() {}

  /** The first folder from FOLDER up to {@code /} that another user could use, and why. */
  static Optional<String> pathProblem(Path folder) throws IOException {
    for (Path dir = folder.toRealPath(); dir != null; dir = dir.getParent()) {
      Optional<String> problem = problem(dir, true);
      if (problem.isPresent()) {
        return Optional.of("folder " + dir + " " + problem.get());
      }
    }
    return Optional.empty();
  }

  /**
   * What is wrong with DIR itself: owned by a user other than root or the caller, or writable by
   * others (STICKY_OK: unless the sticky bit is set), or, for a folder of Sesame's own
   * (STICKY_OK false), writable by its group.
   */
  static Optional<String> problem(Path dir, boolean stickyOk) throws IOException {
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    int caller = callerUid();
    if (owner != 0 && owner != caller) {
      return Optional.of("is owned by uid " + owner + ", neither root nor you");
    }
    if (stickyOk) {
      if ((mode & OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
        return Optional.of("is writable by others without the sticky bit (mode "
            + String.format("%04o", mode & 07777) + ")");
      }
    } else if ((mode & (OTHERS_WRITE | GROUP_WRITE)) != 0) {
      return Optional.of("is writable by group or others (mode " + String.format("%04o", mode & 07777) + ")");
    }
    return Optional.empty();
  }

  /** The effective uid of this process: the owner Linux gives /proc/self. */
  static int callerUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
