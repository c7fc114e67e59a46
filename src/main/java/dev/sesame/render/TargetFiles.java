package dev.sesame.render;

import dev.sesame.files.AtomicReplace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What rendering adds to {@link AtomicReplace}, which replaces each target: the owner, group and
 * mode a target must have (set on its candidate before the rename, never after), and the backup
 * kept as a second name of the previous file.
 */
final class TargetFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private TargetFiles() {}

  /** Owner, group and permissions wanted on a file; empty owner/group means "as created". */
  record Attributes(Set<PosixFilePermission> permissions, Optional<UserPrincipal> owner,
      Optional<GroupPrincipal> group) {
    static Attributes of(Path file) throws IOException {
      PosixFileAttributes a =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return new Attributes(a.permissions(), Optional.of(a.owner()), Optional.of(a.group()));
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

  /** The whole sequence ({@link AtomicReplace}) with ATTRIBUTES set on the candidate before the rename. */
  static void replace(Path target, byte[] content, Attributes attributes) throws IOException {
    AtomicReplace.replace(target, content, candidate -> apply(candidate, attributes));
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
