package dev.sesame.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a vault really lives. A vault path that is a symbolic link (or sits in a linked folder)
 * is resolved to the real file before anything else happens, so that every name for one vault
 * reads, locks ({@code REAL.lock}), writes (a temp file beside the real file, renamed over it)
 * and audits ({@code REAL.audit}) the same files. Without this, a write through the link would
 * replace the link with a regular file and lock a different lock file than a writer using the
 * real path: two vaults where there was one.
 */
public final class VaultPaths {
  /** As Linux's MAXSYMLINKS: a longer chain is a loop. */
  private static final int MAX_LINKS = 40;

  private VaultPaths() {}

  /**
   * The real path of the vault named by PATH, which need not exist yet (for init): symbolic
   * links at the last component are followed (a dangling one to where the vault would be
   * created), and the folder is resolved to its real path. Where that cannot be done (no such
   * folder, a loop of links) PATH is returned as it is, and opening it reports the problem.
   */
  public static Path real(Path path) {
    Path current = path.toAbsolutePath();
    try {
      for (int hops = 0; hops < MAX_LINKS && Files.isSymbolicLink(current); hops++) {
        // A relative link target is relative to the link's own folder.
        current = current.resolveSibling(Files.readSymbolicLink(current));
      }
      Path folder = current.getParent();
      if (folder == null || current.getFileName() == null || Files.isSymbolicLink(current)) {
        return path;
      }
      return folder.toRealPath().resolve(current.getFileName());
    } catch (IOException unresolvable) {
      return path;
    }
  }
}
