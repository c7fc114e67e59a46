package dev.sesame.cli;

import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.Vault;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Create a new, empty vault.",
        "With --key-file, the key file is created (32 random bytes, mode 0600) if it does not exist.",
        "With --passphrase-stdin, the passphrase is the first line of standard input."})
final class InitCommand implements Callable<Integer> {
  @Mixin
  VaultOptions vault;

  @Mixin
  KdfOptions kdf;

  @Option(names = "--max-versions", paramLabel = "N", defaultValue = "5",
      description = "Versions kept per entry, labelled ones included (default: ${DEFAULT-VALUE}, minimum 3).")
  int maxVersions;

  @Override
  public Integer call() throws Exception {
    if (maxVersions < 3) {
      throw new UserError(ExitCode.USAGE, "--max-versions must be at least 3");
    }
    List<KeySource> sources = new ArrayList<>();
    KeyOptions keys = vault.keys;
    if (keys.keyFile() != null) {
      sources.add(KeyFileKeySource.createOrLoad(keys.keyFile()));
    }
    if (keys.passphraseStdin || keys.passphraseFile != null || keys.keyFile() == null) {
      byte[] passphrase = Passphrases.read(Stdin.SYSTEM, keys.passphraseStdin, keys.passphraseFile,
          "New passphrase for " + vault.vaultPath() + ": ", true)
          .orElseThrow(() -> new UserError(ExitCode.USAGE,
              "no key given: use --key-file FILE, --passphrase-stdin or --passphrase-file FILE"));
      sources.add(PassphraseKeySource.of(passphrase, kdf.params()));
    }
    Vault.create(vault.vaultPath(), sources, maxVersions);
    Console.ERR.println("created vault " + vault.vaultPath() + " (" + describe(sources) + ")");
    return ExitCode.OK;
  }

  private static String describe(List<KeySource> sources) {
    return String.join(", ", sources.stream().map(KeySource::describe).toList());
  }
}
