package dev.sesame.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replacing a file so that a reader, or a crash at any instant, sees the old content or the new,
 * whole: a candidate {@code .NAME.<12 hex>.sesame-tmp} beside the target, created 0600 in the
 * same system call that creates it (O_CREAT|O_EXCL with the mode, so no byte is ever readable by
 * others), written, fsynced, given its final owner and mode, renamed over the target, then the
 * folder fsynced so the rename itself survives a power cut. Owner and mode go on the candidate
 * before the rename, never after (the mistake behind consul-template #1037/#1061/#1379). The one
 * implementation for the vault file, rendered targets, the render journal and command outputs.
 */
public final class AtomicReplace {
  public static final String CANDIDATE_SUFFIX = ".sesame-tmp";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicReplace() {}

  /** What to do to the written, fsynced candidate before it is renamed over the target (owner, mode). */
  @FunctionalInterface
  public interface BeforeRename {
    void apply(Path candidate) throws IOException;
  }

  /** Replaces TARGET with CONTENT; the new file keeps the candidate's mode 0600. */
  public static void replace(Path target, byte[] content) throws IOException {
    replace(target, content, candidate -> { });
  }

  /** Replaces TARGET with CONTENT, mode PERMISSIONS (set on the candidate just before the rename). */
  public static void replace(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    replace(target, content, candidate -> Files.setPosixFilePermissions(candidate, permissions));
  }

  /**
   * The whole sequence: candidate, STEP, rename, folder fsync. A candidate that was not renamed is
   * removed; a crash leaves it 0600 for {@link #leftoversOf} to find.
   */
  public static void replace(Path target, byte[] content, BeforeRename step) throws IOException {
    Path candidate = writeCandidate(target, content);
    try {
      step.apply(candidate);
      moveInto(candidate, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(candidate);
      throw e;
    }
  }

  /** A new file beside TARGET holding CONTENT, born 0600 ({@link AtomicReplace}), then fsynced. */
  public static Path writeCandidate(Path target, byte[] content) throws IOException {
    return writeCandidate(target, content, true);
  }

  /**
   * As above; without FSYNC the caller must {@link #syncFiles} the candidate before renaming it
   * (a set of targets syncs all its candidates at once, see there).
   */
  public static Path writeCandidate(Path target, byte[] content, boolean fsync) throws IOException {
    Path folder = folderOf(target);
    FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    for (int attempt = 0; ; attempt++) {
      byte[] nonce = new byte[6];
      RANDOM.nextBytes(nonce);
      Path candidate = folder.resolve("." + target.getFileName() + "."
          + HexFormat.of().formatHex(nonce) + CANDIDATE_SUFFIX);
      try (FileChannel ch = FileChannel.open(candidate, EnumSet.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), ownerOnly)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (fsync) {
          ch.force(true);
        }
        return candidate;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 10) {
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(candidate);
        throw e;
      }
    }
  }

  /** Renames CANDIDATE over TARGET atomically, then fsyncs the folder to make the rename durable. */
  public static void moveInto(Path candidate, Path target) throws IOException {
    renameInto(candidate, target);
    syncFolder(folderOf(target));
  }

  /**
   * Renames CANDIDATE over TARGET atomically; the caller fsyncs the folder afterwards. A file
   * system that cannot rename atomically throws {@link java.nio.file.AtomicMoveNotSupportedException}.
   */
  public static void renameInto(Path candidate, Path target) throws IOException {
    Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A rename is durable only once the directory entry is on disk. */
  public static void syncFolder(Path folder) throws IOException {
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Fsyncs FILES concurrently. One fsync at a time pays a journal commit per file; concurrent ones
   * are committed together by the file system (ext4/xfs group commit), so a set of 100 targets
   * costs about what one costs (measured with scripts/bench-render).
   */
  public static void syncFiles(List<Path> files) throws IOException {
    if (files.size() <= 1) {
      for (Path file : files) {
        syncFile(file);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(files.size(), 32));
    try {
      List<Future<Void>> pending = new ArrayList<>();
      for (Path file : files) {
        pending.add(pool.submit(() -> {
          syncFile(file);
          return null;
        }));
      }
      for (Future<Void> future : pending) {
        try {
          future.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while syncing candidates");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void syncFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** The folder holding PATH; a path without one (the root) cannot be replaced atomically. */
  public static Path folderOf(Path path) throws IOException {
    Path folder = path.toAbsolutePath().getParent();
    if (folder == null) {
      throw new IOException(path + " has no parent folder");
    }
    return folder;
  }

  /**
   * Files a crash may have left beside TARGET: its candidates {@code .NAME.<12 hex>.sesame-tmp}
   * and those of its backup {@code .NAME.bak.<12 hex>.sesame-tmp}.
   */
  public static List<Path> leftoversOf(Path target) throws IOException {
    String prefix = "." + target.getFileName() + ".";
    List<Path> found = new ArrayList<>();
    try (var names = Files.newDirectoryStream(folderOf(target),
        entry -> isLeftoverName(entry.getFileName().toString(), prefix))) {
      names.forEach(found::add);
    }
    return found;
  }

  private static boolean isLeftoverName(String name, String prefix) {
    if (!name.startsWith(prefix) || !name.endsWith(CANDIDATE_SUFFIX)) {
      return false;
    }
    String middle = name.substring(prefix.length(), name.length() - CANDIDATE_SUFFIX.length());
    if (middle.startsWith("bak.")) {
      middle = middle.substring("bak.".length());
    }
    return middle.length() == 12 && middle.chars().allMatch(c -> Character.digit(c, 16) >= 0
        && !Character.isUpperCase(c));
  }
}
