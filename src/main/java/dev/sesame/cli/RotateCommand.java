package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.Rotator;
import dev.sesame.vault.EntryStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = {"Rotate an SES entry's IAM access key: create, SMTP test, deploy, finish, retire.",
        "Each step is recorded in the vault first, so a killed run resumes where it stopped.",
        "The previous key stays active for --grace; later runs deactivate it, then, after --delete-after,",
        "delete it if IAM shows no use after the rotation.",
        "Safe to run daily with --if-older-than 90d (docs/runbooks/scheduled-rotation.md)."})
final class RotateCommand implements Callable<Integer> {
  private final Invocation io;

  RotateCommand(Invocation io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry to rotate.")
  String name;

  @Option(names = "--if-older-than", paramLabel = "AGE", converter = DurationConverter.class,
      description = "Rotate only when the current key is at least AGE old (e.g. 90d); due retirements still run.")
  Duration ifOlderThan;

  @Option(names = "--retire-now", description = {"Deactivate and delete the previous key right after the rotation:",
      "once the targets' restarts and health checks have passed and --drain has gone by."})
  boolean retireNow;

  @Option(names = "--drain", paramLabel = "AGE", defaultValue = "5s", converter = DurationConverter.class,
      description = "With --retire-now: how long the previous key stays active after the deploy, for mail "
          + "in flight with it (default: ${DEFAULT-VALUE}).")
  Duration drain;

  @Option(names = "--grace", paramLabel = "AGE", defaultValue = "24h", converter = DurationConverter.class,
      description = "How long the previous key stays active (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(names = "--delete-after", paramLabel = "AGE", defaultValue = "24h", converter = DurationConverter.class,
      description = "Least time between deactivating the previous key and deleting it; deletion also waits for two "
          + "spaced last-use look-ups that show no use (default: ${DEFAULT-VALUE}).")
  Duration deleteAfter;

  @Option(names = "--abort", description = "Abandon a stopped rotation: delete the pending key, restore targets.")
  boolean abort;

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
      Rotator.Outcome outcome;
      try (AwsClients clients = AwsClients.create(aws.settings())) {
        Rotator rotator = RotationContext.rotator(io, where, state, aws, clients, rotation, output.progress(io.out()),
            seen -> storage[0] = seen).withDeleteAfter(deleteAfter);
        if (abort) {
          outcome = rotator.abort(name);
        } else {
          outcome = rotator.rotate(name, new Rotator.Options(Optional.ofNullable(ifOlderThan), retireNow, grace, drain));
        }
      }
      StatusJson.printRotationResult(output, storage[0], name, abort ? "abort" : "rotate",
          outcome.name().toLowerCase(java.util.Locale.ROOT));
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
