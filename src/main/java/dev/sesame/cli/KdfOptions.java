package dev.sesame.cli;

import dev.sesame.crypto.Argon2id;
import dev.sesame.vault.PassphraseKeySource;
import picocli.CommandLine.Option;

/** Argon2id cost for new passphrase slots. Defaults follow design.md section 2: m=64 MiB, t=3, p=1. */
final class KdfOptions {
  @Option(names = "--kdf-memory", paramLabel = "MIB", defaultValue = "64",
      description = "Argon2id memory in MiB for a new passphrase (default: ${DEFAULT-VALUE}, 8..1024).")
  int memoryMiB;

  @Option(names = "--kdf-iterations", paramLabel = "N", defaultValue = "3",
      description = "Argon2id passes for a new passphrase (default: ${DEFAULT-VALUE}, 1..16).")
  int iterations;

  Argon2id.Params params() throws UserError {
    // The same caps a vault is opened with (PassphraseKeySource): a slot made beyond them would not open.
    int minMiB = PassphraseKeySource.MIN_MEMORY_KIB / 1024;
    int maxMiB = PassphraseKeySource.MAX_MEMORY_KIB / 1024;
    if (memoryMiB < minMiB || memoryMiB > maxMiB) {
      throw new UserError(ExitCode.USAGE, "--kdf-memory must be " + minMiB + ".." + maxMiB + " MiB");
    }
    if (iterations < 1 || iterations > PassphraseKeySource.MAX_ITERATIONS) {
      throw new UserError(ExitCode.USAGE, "--kdf-iterations must be 1.." + PassphraseKeySource.MAX_ITERATIONS);
    }
    return new Argon2id.Params(memoryMiB * 1024, iterations, 1);
  }
}
