package dev.sesame.cli;

/** The exit codes of design.md section 6. Scripts depend on these numbers: never renumber. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int WRONG_KEY = 3;
  public static final int NOT_FOUND = 4;
  public static final int CONFLICT = 5;
  public static final int CHECK_FAILED = 6;
  public static final int AWS_ERROR = 7;
  public static final int SMTP_FAILED = 8;
  /** `render --dry-run --exit-code`: something would change. */
  public static final int CHANGES_PENDING = 9;
  /** A restart or health check failed; the previous files were restored and restarted. */
  public static final int RESTORED = 10;
  /** `scan` found plain-text credentials (so cron and CI can alert on it). */
  public static final int CREDENTIALS_FOUND = 11;

  private ExitCode() {}
}
