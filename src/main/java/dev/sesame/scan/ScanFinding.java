package dev.sesame.scan;

import java.nio.file.Path;

/**
 * One credential found by a scan, as it may be printed: where, what, and whose key, never the
 * secret. MODE is the file's permission bits (-1 when unknown); OWNER and GROUP are "" when unknown.
 */
public record ScanFinding(Path file, int line, Kind kind, String accessKeyId, FileFormat format, int mode,
    String owner, String group) {

  /** Whether every local user can read the file (the "others" read bit). */
  public boolean readableByOthers() {
    return mode >= 0 && (mode & 04) != 0;
  }

  /** The mode as four octal digits, e.g. "0644", or "" when unknown. */
  public String modeText() {
    return mode < 0 ? "" : String.format("%04o", mode);
  }
}
