package dev.sesame.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files named on the command line, checked before any work so a typo is exit 4 naming the option. */
final class InputFiles {
  private InputFiles() {}

  /** FILE, or a not-found error (exit 4) naming OPTION and the file. */
  static Path existing(String option, Path file) throws UserError {
    if (file != null && !Files.exists(file)) {
      throw new UserError(ExitCode.NOT_FOUND, option + ": " + file + " does not exist");
    }
    return file;
  }
}
