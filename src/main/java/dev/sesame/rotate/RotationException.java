package dev.sesame.rotate;

/**
 * A rotation step failed. One line, never a secret; the kind decides the exit code
 * (AWS 7, SMTP 8, CHECK 6, CONFLICT 5, NOT_FOUND 4, RESTORED 10, others 1).
 */
public final class RotationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What failed, for the exit code. */
  public enum Kind {
    AWS, SMTP, CHECK, DEPLOY, CONFLICT, NOT_FOUND, INVALID,
    /** Deploy: a restart or health check failed; every target was restored and restarted. */
    RESTORED
  }

  private final Kind kind;

  public RotationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public RotationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
