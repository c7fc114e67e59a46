package dev.sesame.cli;

import dev.sesame.crypto.Argon2id;
import picocli.CommandLine.Option;

/** Argon2id cost for new passphrase slots. Defaults follow design.md section 2: m=64 MiB, t=3, p=1. */
final class KdfOptions {
  @Option(names = "--kdf-memory", paramLabel = "MIB", defaultValue = "64",
      description = "Argon2id memory in MiB for a new passphrase (default: ${DEFAULT-VALUE}, minimum 8).")
  int memoryMiB;

  @Option(names = "--kdf-iterations", paramLabel = "N", defaultValue = "3",
      description = "Argon2id passes for a new passphrase (default: ${DEFAULT-VALUE}).")
  int iterations;

  Argon2id.Params params() throws UserError {
    if (memoryMiB < 8 || memoryMiB > 4096 || iterations < 1 || iterations > 64) {
      throw new UserError(ExitCode.USAGE, "--kdf-memory must be 8..4096 MiB and --kdf-iterations 1..64");
    }
    return new Argon2id.Params(memoryMiB * 1024, iterations, 1);
  }
}
