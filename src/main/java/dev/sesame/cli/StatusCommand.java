package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.AwsKeyLifecycle;
import dev.sesame.rotate.EntryStatus;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show an entry's versions, key ages, IAM key states and any rotation in progress.",
        "Also each IAM key's last use, and a retirement in progress. Never prints a secret."})
final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "Entry to show.")
  String name;

  @Mixin
  StoreOptions where;

  @Mixin
  VaultOptions vault;

  @Mixin
  AwsOptions aws;

  @Override
  public Integer call() throws Exception {
    var storage = RotationContext.storage(vault, where, aws);
    try (AwsClients clients = AwsClients.create(aws.settings())) {
      EntryStatus status = EntryStatus.read(storage, name, new AwsKeyLifecycle(clients));
      status.describe(Instant.now()).forEach(Console.OUT::println);
    }
    return ExitCode.OK;
  }
}
