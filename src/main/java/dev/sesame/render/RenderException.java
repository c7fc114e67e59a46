package dev.sesame.render;

/**
 * A render that could not be completed. The message is one line, names the target, entry or field
 * concerned, and never contains a secret value: callers may print it as it is.
 */
public final class RenderException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong; the CLI maps CHECK_FAILED to exit 6, NOT_FOUND to exit 4, the rest to 1. */
  public enum Reason {
    /** The template is unreadable, malformed, or names an unknown placeholder. */
    TEMPLATE,
    /** A value contains something its target format cannot carry. */
    UNSAFE_VALUE,
    /** An entry (or a field of it) that the template needs does not exist. */
    NOT_FOUND,
    /** A --check command rejected a candidate file; nothing was changed. */
    CHECK_FAILED,
    /** Renaming a candidate over its target failed; swapped targets were restored. */
    SWAP_FAILED,
    /** A --restart command failed; files were restored and restarts run again. */
    RESTART_FAILED,
    /** A --health command failed; files were restored and restarts run again. */
    HEALTH_FAILED,
    /** The target path is a symbolic link and followSymlinks was not set. */
    SYMLINK_REFUSED,
    /** Another render or rotation on this host holds the render lock (CLI exit 5). */
    LOCKED,
    /** A folder on the target's path could be written by other users ({@code --allow-insecure-folder}). */
    INSECURE_FOLDER,
    /** Reading or writing a file failed. */
    IO
  }

  private final Reason reason;

  public RenderException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RenderException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
