package dev.sesame.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
    description = "Remove an entry and all its versions from the vault.")
final class RmCommand implements Callable<Integer> {
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
    Console.ERR.println("removed " + name);
    return ExitCode.OK;
  }
}
