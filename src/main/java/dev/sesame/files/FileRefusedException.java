package dev.sesame.files;

import java.io.IOException;

/**
 * A file Sesame was asked to read or write is not one it will use: not a regular file (a FIFO, a
 * device, a directory, a socket, or a symbolic link where none is allowed), larger than its
 * limit, a secret file group or others may access, or not opened within the deadline. The message is one line naming the file's role and
 * path, never its content.
 */
public final class FileRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the file was refused, so callers can map it to their own exit codes. */
  public enum Reason { NOT_REGULAR, TOO_OPEN, TOO_LARGE, TIMED_OUT }

  private final Reason reason;

  public FileRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
