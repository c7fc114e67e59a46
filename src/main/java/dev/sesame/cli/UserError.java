package dev.sesame.cli;

/** A failure the CLI reports as one line with a chosen exit code. Never carries a secret. */
final class UserError extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  UserError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
