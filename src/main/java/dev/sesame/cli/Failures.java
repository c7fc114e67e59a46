package dev.sesame.cli;

import dev.sesame.aws.AwsException;
import dev.sesame.aws.AwsKeySourceException;
import dev.sesame.render.RenderException;
import dev.sesame.rotate.RotationException;
import dev.sesame.vault.VaultException;

/**
 * The one place where failures become exit codes and a single line on stderr. Stack traces only
 * with --debug. Messages come from our own exceptions, which never carry secrets.
 *
 * <p>Free of picocli types on purpose: {@link FastGet} reports through this class, and loading any
 * picocli class (compiled for Java 5, so never in the class-data archive) would make the JVM open
 * the 26 MB jar on the fast path.
 */
final class Failures {
  private Failures() {}

  /** Prints FAILURE to ERR as one line (and its stack trace when DEBUG) and returns its exit code. */
  static int report(java.io.PrintStream err, Exception failure, boolean debug) {
    if (debug) {
      failure.printStackTrace(err);
    }
    err.println("sesame: " + oneLine(messageOf(failure)));
    commandOutput(failure).ifPresent(lines -> {
      err.println("sesame: its last " + lines.size() + " line(s) of output, secrets masked:");
      lines.forEach(line -> err.println("  | " + line));
    });
    return exitCodeOf(failure);
  }

  /** The output of the check/restart/health command behind FAILURE (masked by the renderer), if any. */
  static java.util.Optional<java.util.List<String>> commandOutput(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RenderException render && !render.commandOutput().isEmpty()) {
        return java.util.Optional.of(render.commandOutput());
      }
    }
    return java.util.Optional.empty();
  }

  static int exitCodeOf(Throwable failure) {
    if (failure instanceof UserError userError) {
      return userError.exitCode();
    }
    if (failure instanceof AwsKeySourceException || failure instanceof AwsException) {
      return ExitCode.AWS_ERROR;
    }
    if (failure instanceof VaultException.WrongKey || failure instanceof VaultException.Corrupt) {
      return ExitCode.WRONG_KEY;
    }
    if (failure instanceof VaultException.NotFound) {
      return ExitCode.NOT_FOUND;
    }
    if (failure instanceof VaultException.Conflict) {
      return ExitCode.CONFLICT;
    }
    if (failure instanceof RenderException render) {
      return switch (render.reason()) {
        case CHECK_FAILED -> ExitCode.CHECK_FAILED;
        case NOT_FOUND -> ExitCode.NOT_FOUND;
        case RESTART_FAILED, HEALTH_FAILED -> ExitCode.RESTORED;
        case LOCKED -> ExitCode.CONFLICT;
        default -> ExitCode.ERROR;
      };
    }
    if (failure instanceof RotationException rotation) {
      return switch (rotation.kind()) {
        case AWS -> ExitCode.AWS_ERROR;
        case SMTP -> ExitCode.SMTP_FAILED;
        case CHECK -> ExitCode.CHECK_FAILED;
        case CONFLICT -> ExitCode.CONFLICT;
        case NOT_FOUND -> ExitCode.NOT_FOUND;
        case RESTORED -> ExitCode.RESTORED;
        case DEPLOY, INVALID -> ExitCode.ERROR;
      };
    }
    if (failure instanceof IllegalArgumentException) {
      return ExitCode.USAGE;
    }
    return ExitCode.ERROR;
  }

  static String messageOf(Exception failure) {
    if (failure instanceof UserError || failure instanceof VaultException || failure instanceof AwsException
        || failure instanceof RenderException
        || failure instanceof RotationException || failure instanceof IllegalArgumentException) {
      return failure.getMessage();
    }
    // Unexpected: name the type only; a library's message might quote data we were handling.
    return "internal error (" + failure.getClass().getSimpleName() + "); rerun with --debug for details";
  }

  static String oneLine(String message) {
    return message == null ? "failed" : message.replaceAll("[\\r\\n]+", " ");
  }
}
