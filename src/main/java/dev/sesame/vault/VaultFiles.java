package dev.sesame.vault;

import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe file replacement: a temp file (0600 from birth) in the same folder, write, fsync,
 * rename over the target, fsync the folder. At any instant the target is the old file or the new
 * one, whole. Callers hold the vault lock, so stale temp files from a killed writer can be swept.
 */
final class VaultFiles {
  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private VaultFiles() {}

  /** Far above any real vault (a thousand entries of five versions is about 3 MB). */
  static final int MAX_VAULT_BYTES = 64 * 1024 * 1024;

  /** Reads the vault at its real path (see {@link VaultPaths}); a symbolic link there now is refused. */
  static byte[] read(Path vault) throws VaultException {
    try {
      return RegularFiles.readNoFollow(vault, "vault", MAX_VAULT_BYTES);
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound("vault " + vault + " does not exist (create it with: sesame init)");
    } catch (FileRefusedException e) {
      if (e.reason() == FileRefusedException.Reason.TOO_LARGE) {
        throw new VaultException.Corrupt("vault file is damaged or not a vault: " + e.getMessage());
      }
      throw new VaultException(e.getMessage(), e);
    } catch (IOException e) {
      throw new VaultException("cannot read vault " + vault + ": " + e.getMessage(), e);
    }
  }

  static void replace(Path target, byte[] content) throws VaultException {
    Path folder = folderOf(target);
    Path temp = null;
    try {
      temp = Files.createTempFile(folder, tempPrefix(target), ".tmp", OWNER_ONLY);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new VaultException("the file system of " + folder + " cannot rename atomically");
      }
      temp = null;
      fsyncFolder(folder);
    } catch (IOException e) {
      throw new VaultException("cannot write vault " + target + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort: the next writer sweeps stale temp files.
        }
      }
    }
  }

  /** Removes temp files left by a writer that was killed mid-save. Call with the lock held. */
  static void sweepStaleTempFiles(Path target) {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(folderOf(target), tempPrefix(target) + "*.tmp")) {
      for (Path path : stale) {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // Leftovers hold only ciphertext; failing to sweep them is not worth failing a write.
    }
  }

  static Path folderOf(Path target) {
    Path folder = target.toAbsolutePath().getParent();
    return folder == null ? Path.of("/") : folder;
  }

  private static String tempPrefix(Path target) {
    return "." + target.getFileName() + ".";
  }

  private static void fsyncFolder(Path folder) throws IOException {
    // A rename is durable only once the directory entry is on disk.
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
