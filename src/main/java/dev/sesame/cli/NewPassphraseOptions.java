package dev.sesame.cli;

import dev.sesame.crypto.Wipe;
import dev.sesame.vault.PassphrasePolicy;
import picocli.CommandLine.Option;

/** The policy check on a passphrase that a command is about to wrap the vault's key with. */
final class NewPassphraseOptions {
  @Option(names = "--allow-weak-passphrase",
      description = "Accept a new passphrase shorter than 12 characters or easier to guess than 10^10"
          + " guesses by zxcvbn's estimate (it must still be UTF-8 without control characters).")
  boolean allowWeak;

  /** PASSPHRASE if it passes {@link PassphrasePolicy}; otherwise it is wiped and refused (exit 2). */
  byte[] checked(byte[] passphrase) throws UserError {
    try {
      PassphrasePolicy.checkNew(passphrase, allowWeak);
      return passphrase;
    } catch (IllegalArgumentException weak) {
      Wipe.bytes(passphrase);
      throw new UserError(ExitCode.USAGE, weak.getMessage());
    }
  }
}
