package dev.sesame.vault;

import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive writer lock: an OS lock on the sidecar file {@code VAULT.lock} (between
 * processes) plus an in-process lock (the OS lock is per process, so threads need their own).
 * The lock file holds nothing and is never deleted: deleting it would let two writers lock two
 * different files.
 */
final class VaultLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 10;

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private VaultLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  static Path lockFileOf(Path vault) {
    return vault.resolveSibling(vault.getFileName() + ".lock");
  }

  static VaultLock acquire(Path vault, Duration timeout) throws VaultException {
    return acquireFile(lockFileOf(vault), timeout,
        "vault " + vault + " is locked by another sesame process; try again");
  }

  /** Locks LOCK_FILE (created 0600 if missing), waiting up to TIMEOUT; BUSY is the message if not. */
  static VaultLock acquireFile(Path lockFileGiven, Duration timeout, String busy) throws VaultException {
    Path lockFile = lockFileGiven.toAbsolutePath().normalize();
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(lockFile, path -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!threadLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new VaultException.Conflict(busy);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultException.Conflict(busy);
    }
    FileChannel channel = null;
    try {
      channel = RegularFiles.openForWriting(lockFile, "lock file", java.util.Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.WRITE), VaultFiles.OWNER_ONLY);
      while (true) {
        FileLock fileLock = channel.tryLock();
        if (fileLock != null) {
          return new VaultLock(threadLock, channel, fileLock);
        }
        if (System.nanoTime() > deadline) {
          throw new VaultException.Conflict(busy);
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (FileRefusedException e) {
      release(threadLock, channel);
      throw new VaultException(e.getMessage(), e);
    } catch (IOException e) {
      release(threadLock, channel);
      throw new VaultException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release(threadLock, channel);
      throw new VaultException.Conflict(busy);
    } catch (VaultException e) {
      release(threadLock, channel);
      throw e;
    }
  }

  private static void release(ReentrantLock threadLock, FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the OS lock; nothing more to do.
      }
    }
    threadLock.unlock();
  }

  @Override
  public void close() {
    try {
      fileLock.release();
    } catch (IOException ignored) {
      // The channel close below releases it too.
    }
    release(threadLock, channel);
  }
}
