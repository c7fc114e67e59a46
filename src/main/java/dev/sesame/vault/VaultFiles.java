package dev.sesame.vault;

import dev.sesame.files.AtomicReplace;
import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Reading and replacing the vault file. Replacing is {@link AtomicReplace}'s: at any instant the
 * target is the old file or the new one, whole. Callers hold the vault lock, so stale temp files
 * from a killed writer can be swept.
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

  /** Through {@link AtomicReplace}: the new vault is 0600 from its first byte. */
  static void replace(Path target, byte[] content) throws VaultException {
    try {
      AtomicReplace.replace(target, content);
    } catch (AtomicMoveNotSupportedException e) {
      throw new VaultException("the file system of " + folderOf(target) + " cannot rename atomically");
    } catch (IOException e) {
      throw new VaultException("cannot write vault " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes temp files left by a writer that was killed mid-save: {@link AtomicReplace}'s
   * candidates, and the {@code .NAME.<digits>.tmp} of releases before it. Call with the lock held.
   */
  static void sweepStaleTempFiles(Path target) {
    try {
      for (Path path : AtomicReplace.leftoversOf(target)) {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // Leftovers hold only ciphertext; failing to sweep them is not worth failing a write.
    }
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(folderOf(target), "." + target.getFileName() + ".*.tmp")) {
      for (Path path : stale) {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // As above.
    }
  }

  static Path folderOf(Path target) {
    Path absolute = target.toAbsolutePath();
    Path folder = absolute.getParent();
    return folder == null ? absolute.getRoot() : folder;
  }
}
