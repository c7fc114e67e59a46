package dev.sesame.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What `rotate` and `revoke` share: where the new key is deployed and how long it may take to work. */
final class RotationOptions {
  @Option(names = "--targets", paramLabel = "FILE", defaultValue = "${env:SESAME_TARGETS}",
      description = "Targets to deploy the new key to (TOML; default: $SESAME_TARGETS; none: consumers use get/exec).")
  Path targets;

  @Option(names = "--smtp-deadline", paramLabel = "AGE", defaultValue = "120s", converter = DurationConverter.class,
      description = "How long to retry the SMTP login while IAM propagates the new key (default: ${DEFAULT-VALUE}).")
  Duration smtpDeadline;

  @Option(names = "--allow-insecure-folder",
      description = "Deploy even where a folder on a target's path is writable by others (no sticky bit) "
          + "or owned by a user other than root or you.")
  boolean allowInsecureFolder;

  /** The targets file, or null when none is given (an empty $SESAME_TARGETS counts as none). */
  Path targetsFile() {
    return targets == null || targets.toString().isEmpty() ? null : targets;
  }
}
