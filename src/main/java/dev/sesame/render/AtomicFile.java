package dev.sesame.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Replacing a file so that a reader, or a crash at any instant, sees the old content or the new,
 * whole: a candidate born 0600 beside the target, written, fsynced, given its owner/group/mode,
 * renamed over the target, then the folder fsynced so the rename itself survives a power cut.
 * Owner and mode go on the candidate before the rename, never after (the mistake behind
 * consul-template #1037/#1061/#1379).
 */
final class AtomicFile {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String CANDIDATE_SUFFIX = ".sesame-tmp";

  private AtomicFile() {}

  /** Owner, group and permissions wanted on a file; empty owner/group means "as created". */
  record Attributes(Set<PosixFilePermission> permissions, Optional<UserPrincipal> owner,
      Optional<GroupPrincipal> group) {
    static Attributes of(Path file) throws IOException {
      PosixFileAttributes a =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return new Attributes(a.permissions(), Optional.of(a.owner()), Optional.of(a.group()));
    }
  }

  /**
   * A new file beside TARGET holding CONTENT, created with mode 0600 in the same system call that
   * creates it (O_CREAT|O_EXCL with the mode), then fsynced.
   */
  static Path writeCandidate(Path target, byte[] content) throws IOException {
    return writeCandidate(target, content, true);
  }

  /**
   * As above; without FSYNC the caller must {@link #syncFiles} the candidate before renaming it
   * (a set of targets syncs all its candidates at once, see there).
   */
  static Path writeCandidate(Path target, byte[] content, boolean fsync) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    FileAttribute<Set<PosixFilePermission>> ownerOnly =
        PosixFilePermissions.asFileAttribute(OWNER_ONLY);
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

  /** Owner and group first: chown may clear mode bits, so the mode goes last. */
  static void apply(Path file, Attributes attributes) throws IOException {
    applyOwnership(file, attributes);
    setPermissions(file, attributes.permissions());
  }

  /**
   * Gives FILE the owner and group of ATTRIBUTES and leaves it 0600: a candidate keeps that mode
   * until the instant before its rename ({@link #setPermissions}), so one left by a crash is
   * readable only by its owner.
   */
  static void applyOwnership(Path file, Attributes attributes) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.owner().isPresent()) {
      view.setOwner(attributes.owner().get());
    }
    if (attributes.group().isPresent()) {
      view.setGroup(attributes.group().get());
    }
    view.setPermissions(OWNER_ONLY);
  }

  static void setPermissions(Path file, Set<PosixFilePermission> permissions) throws IOException {
    Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setPermissions(permissions);
  }

  /**
   * Files a crash may have left beside TARGET: its candidates {@code .NAME.<12 hex>.sesame-tmp}
   * and the temp names of its backup {@code .NAME.bak.<12 hex>.sesame-tmp}.
   */
  static List<Path> leftoversOf(Path target) throws IOException {
    String prefix = "." + target.getFileName() + ".";
    List<Path> found = new ArrayList<>();
    try (var names = Files.newDirectoryStream(target.toAbsolutePath().getParent(),
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

  /** Renames CANDIDATE over TARGET atomically, then fsyncs the folder to make the rename durable. */
  static void moveInto(Path candidate, Path target) throws IOException {
    renameInto(candidate, target);
    syncFolder(target.toAbsolutePath().getParent());
  }

  /** Renames CANDIDATE over TARGET atomically; the caller fsyncs the folder afterwards. */
  static void renameInto(Path candidate, Path target) throws IOException {
    Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Fsyncs FILES concurrently. One fsync at a time pays a journal commit per file; concurrent ones
   * are committed together by the file system (ext4/xfs group commit), so a set of 100 targets
   * costs about what one costs (measured with scripts/bench-render).
   */
  static void syncFiles(List<Path> files) throws IOException {
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

  /**
   * Makes BACKUP a second name for TARGET's current inode (the old name removed, then a hard
   * link): it holds exactly the previous bytes, owner and mode without copying data that is
   * already on disk, and no temp name ever holds them. A crash in between leaves no backup while
   * TARGET itself is still unchanged. The caller fsyncs the folder. Falls back to writing a copy
   * where hard links are not supported.
   */
  static void linkBackup(Path target, Path backup, byte[] previous, Attributes attributes)
      throws IOException {
    Files.deleteIfExists(backup);
    try {
      Files.createLink(backup, target);
    } catch (UnsupportedOperationException | IOException e) {
      replace(backup, previous, attributes);
    }
  }

  /** The whole sequence: candidate, attributes, rename. */
  static void replace(Path target, byte[] content, Attributes attributes) throws IOException {
    Path candidate = writeCandidate(target, content);
    try {
      apply(candidate, attributes);
      moveInto(candidate, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(candidate);
      throw e;
    }
  }

  static void syncFolder(Path folder) throws IOException {
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static Set<PosixFilePermission> permissionsOf(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    return perms;
  }

  static Set<PosixFilePermission> ownerOnly() {
    return EnumSet.copyOf(OWNER_ONLY);
  }
}
