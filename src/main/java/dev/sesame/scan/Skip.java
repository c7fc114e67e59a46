package dev.sesame.scan;

/** Why a scan passed over a file or folder without reading it whole. */
public enum Skip {
  /** A NUL byte in the first 8 KiB, as git and grep decide. */
  BINARY("binary"),
  /** Larger than the scan's size limit. */
  TOO_LARGE("too_large"),
  /** Symbolic links are never followed: a link into the tree is scanned where it points, one out of it never. */
  SYMLINK("symlink"),
  /** A FIFO, socket or device: reading one could block forever or have effects. */
  NOT_REGULAR("not_regular"),
  /** Permission denied, or vanished while scanning. */
  UNREADABLE("unreadable"),
  /** Not read within the per-file deadline (a FIFO swapped in after it was checked, a hung mount). */
  TIMED_OUT("timed_out"),
  /** Matched an --exclude pattern. */
  EXCLUDED("excluded"),
  /** /proc, /sys and the like: kernel state, not configuration. */
  PSEUDO_FILESYSTEM("pseudo_filesystem");

  private final String wireName;

  Skip(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
