package dev.sesame.vault;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A long-held lock on one entry, for work that spans minutes (a rotation waits for SMTP proof and
 * restarts services) and must not run twice at once, while the vault's own writer lock is taken
 * only for each short save. The OS releases it when the holder dies, so a killed rotation never
 * leaves the entry locked: the next run finds the lock free and resumes from the vault's state.
 */
public final class EntryLock implements AutoCloseable {
  private final VaultLock lock;

  private EntryLock(VaultLock lock) {
    this.lock = lock;
  }

  /** Takes the lock without waiting; Conflict if another process holds it. */
  public static EntryLock tryAcquire(Path vault, String entry) throws VaultException {
    EntryNames.check(entry);
    Path real = VaultPaths.real(vault);
    Path file = real.resolveSibling(real.getFileName() + "." + entry + ".lock");
    return new EntryLock(VaultLock.acquireFile(file, Duration.ZERO,
        "another sesame process is working on " + entry + " (rotation in progress); try again later"));
  }

  @Override
  public void close() {
    lock.close();
  }
}
