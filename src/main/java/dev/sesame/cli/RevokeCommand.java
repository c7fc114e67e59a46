package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.Rotator;
import dev.sesame.vault.EntryStore;
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
  private final Invocation io;

  RevokeCommand(Invocation io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry whose keys are revoked.")
  String name;

  @Mixin
  RotationOptions rotation;

  @Mixin
  OutputOption output;

  @Mixin
  EntryStoreOptions where;

  @Mixin
  StateDirOptions state;

  @Mixin
  AwsOptions aws;

  @Override
  public Integer call() throws Exception {
    EntryStore[] storage = new EntryStore[1];
    try {
      try (AwsClients clients = AwsClients.create(aws.settings())) {
        RotationContext.rotator(io, where, state, aws, clients, rotation, output.progress(io.out()), seen -> storage[0] = seen)
            .revoke(name, new Rotator.Options(Optional.empty(), true, Duration.ZERO));
      }
      StatusJson.printRotationResult(output, storage[0], name, "revoke", "rotated");
      return ExitCode.OK;
    } catch (Exception failure) {
      output.printFailure(failure);
      throw failure;
    } finally {
      if (storage[0] != null) {
        storage[0].close();
      }
    }
  }
}
