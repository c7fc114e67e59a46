package dev.sesame.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rekey", mixinStandardHelpOptions = true,
    description = {"Draw a new data key and re-seal every version with fresh IVs.",
        "Every key slot is re-wrapped, so offer every key source (e.g. --key-file and --passphrase-stdin);",
        "slots whose source is not offered block the rekey unless --drop-other-sources removes them."})
final class RekeyCommand implements Callable<Integer> {
  private final Invocation io;

  RekeyCommand(Invocation io) {
    this.io = io;
  }

  @Option(names = "--drop-other-sources",
      description = "Remove key slots that none of the offered sources opens.")
  boolean dropOtherSources;

  @Mixin
  VaultOptions vault;

  @Override
  public Integer call() throws Exception {
    List<String> dropped = vault.update(v -> v.rekey(dropOtherSources));
    for (String slot : dropped) {
      io.err().println("dropped key slot " + slot);
    }
    io.err().println("rekeyed " + vault.vaultPath());
    return ExitCode.OK;
  }
}
