package dev.sesame.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
    description = "Remove an entry and all its versions from the vault.")
final class RmCommand implements Callable<Integer> {
  private final Invocation io;

  RmCommand(Invocation io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry to remove.")
  String name;

  @Mixin
  VaultOptions vault;

  @Override
  public Integer call() throws Exception {
    vault.update(v -> {
      v.remove(name);
      return null;
    });
    io.err().println("removed " + name);
    return ExitCode.OK;
  }
}
