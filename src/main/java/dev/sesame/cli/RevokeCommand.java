package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.Rotator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Incident response for a leaked credential: deactivate EVERY access key of the entry's IAM",
        "user first (the leak stops now), then create, test, deploy and finish a new key, and delete",
        "the revoked ones. Prints each revoked key's last use and where to look next.",
        "See docs/runbooks/incident-response.md."})
final class RevokeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(names = "--targets", paramLabel = "FILE", defaultValue = "${env:SESAME_TARGETS}",
      description = "Targets to deploy the new key to (TOML; default: $SESAME_TARGETS).")
  Path targets;

  @Option(names = "--smtp-deadline", paramLabel = "AGE", defaultValue = "120s", converter = DurationConverter.class,
      description = "How long to retry the SMTP login with the new key (default: ${DEFAULT-VALUE}).")
  Duration smtpDeadline;

  @Mixin
  VaultOptions vault;

  @Mixin
  AwsOptions aws;

  @Override
  public Integer call() throws Exception {
    var keys = vault.unlockSources();
    Path targetsFile = targets == null || targets.toString().isEmpty() ? null : targets;
    try (AwsClients clients = AwsClients.create(aws.settings())) {
      RotationContext.rotator(vault, keys, clients, targetsFile, smtpDeadline)
          .revoke(name, new Rotator.Options(Optional.empty(), true, Duration.ZERO));
    }
    return ExitCode.OK;
  }
}
