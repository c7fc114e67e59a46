package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.AwsKeyLifecycle;
import dev.sesame.rotate.EntryStatus;
import dev.sesame.vault.EntryStore;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show an entry's versions, key ages, IAM key states and any rotation in progress.",
        "Also each IAM key's last use, and a retirement in progress. Never prints a secret.",
        "--offline shows the local facts only (versions, labels, ages, pending step) without calling AWS."})
final class StatusCommand implements Callable<Integer> {
  private final Invocation io;

  StatusCommand(Invocation io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry to show.")
  String name;

  @Option(names = "--offline", description = "Local facts only (vault file), no AWS call: versions, labels, ages, "
      + "the recorded rotation step and retirement.")
  boolean offline;

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
    try {
      EntryStatus status = read();
      Instant now = Instant.now();
      if (output.json()) {
        output.printSuccess(json -> StatusJson.write(json, status, now, offline));
      } else {
        status.describe(now).forEach(io.out()::println);
        if (offline && !status.iamUser().isEmpty()) {
          io.out().println("  (offline: IAM's view of the keys not shown)");
        }
      }
      return ExitCode.OK;
    } catch (Exception failure) {
      output.printFailure(failure);
      throw failure;
    }
  }

  private EntryStatus read() throws Exception {
    if (offline) {
      if (where.inStore()) {
        throw new UserError(ExitCode.USAGE, "--offline reads the vault file; a store entry lives in Secrets Manager "
            + "(drop --store, or drop --offline)");
      }
      try (EntryStore storage = where.open(aws.settings(), state.stateDir)) {
        return EntryStatus.readOffline(storage, name);
      }
    }
    try (EntryStore storage = RotationContext.storage(where, state, aws);
        AwsClients clients = AwsClients.create(aws.settings())) {
      return EntryStatus.read(storage, name, new AwsKeyLifecycle(clients));
    }
  }
}
