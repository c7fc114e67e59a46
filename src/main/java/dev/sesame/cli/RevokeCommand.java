package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.Rotator;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Incident response for a leaked credential: revoke every key and issue a new one.",
        "Deactivates EVERY access key of the entry's IAM user first (the leak stops now), then creates,",
        "tests, deploys and finishes a new key, and deletes",
        "the revoked ones. Prints each revoked key's last use and where to look next.",
        "See docs/runbooks/incident-response.md."})
final class RevokeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "Entry whose keys are revoked.")
  String name;

  @Mixin
  RotationOptions rotation;

  @Mixin
  StoreOptions where;

  @Mixin
  VaultOptions vault;

  @Mixin
  AwsOptions aws;

  @Override
  public Integer call() throws Exception {
    try (AwsClients clients = AwsClients.create(aws.settings())) {
      RotationContext.rotator(vault, where, aws, clients, rotation)
          .revoke(name, new Rotator.Options(Optional.empty(), true, Duration.ZERO));
    }
    return ExitCode.OK;
  }
}
