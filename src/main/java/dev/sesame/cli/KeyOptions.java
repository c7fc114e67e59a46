package dev.sesame.cli;

import dev.sesame.aws.AwsSettings;
import dev.sesame.crypto.Argon2id;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.VaultException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * How the user unlocks the vault: a key file, a passphrase on stdin or in a file, or a no-echo
 * prompt when stdin is a terminal. Several may be given (rekey needs every slot's source).
 */
final class KeyOptions {
  @Option(names = "--key-file", paramLabel = "FILE", defaultValue = "${env:SESAME_KEY_FILE}",
      description = "Key file (32 bytes, mode 0600). Default: $SESAME_KEY_FILE.")
  Path keyFile;

  @Option(names = "--passphrase-stdin",
      description = "Read the passphrase from the first line of standard input.")
  boolean passphraseStdin;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "Read the passphrase from the first line of FILE.")
  Path passphraseFile;

  /** An empty $SESAME_KEY_FILE means unset, as in a shell's ${VAR:-default}. */
  Path keyFile() {
    return keyFile == null || keyFile.toString().isEmpty() ? null : keyFile;
  }

  /**
   * The sources to try for VAULT. With no local key given (no key file, no passphrase option),
   * a vault that has AWS KMS or Secrets Manager slots is opened through them, each slot in the
   * region it names with the SDK's default credentials: an EC2 instance role opens it with no
   * secret on the host. Otherwise as {@link #unlockSources(Stdin, String)}. The AWS SDK is
   * loaded only on that first path.
   */
  List<KeySource> unlockSources(Stdin stdin, String prompt, Path vault) throws UserError, VaultException {
    if (keyFile() == null && !passphraseStdin && passphraseFile == null && vault != null) {
      Set<String> types = SlotTypes.of(vault);
      if (SlotTypes.anyAws(types)) {
        return AwsKeySources.openers(types, AwsSettings.defaults());
      }
    }
    return unlockSources(stdin, prompt);
  }

  /** The sources to try, in the order given; prompts on a terminal when none is given. */
  List<KeySource> unlockSources(Stdin stdin, String prompt) throws UserError, VaultException {
    List<KeySource> sources = new ArrayList<>();
    if (keyFile() != null) {
      sources.add(KeyFileKeySource.load(keyFile()));
    }
    if (passphraseStdin || passphraseFile != null || keyFile() == null) {
      Passphrases.read(stdin, passphraseStdin, passphraseFile, prompt, false)
          .ifPresent(p -> sources.add(PassphraseKeySource.of(p, Argon2id.DEFAULT)));
    }
    return sources;
  }
}
