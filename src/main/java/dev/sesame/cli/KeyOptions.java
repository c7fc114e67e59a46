package dev.sesame.cli;

import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.TrustedKeys;
import dev.sesame.crypto.Argon2id;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VaultIndex;
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

  @Option(names = "--trusted-key", paramLabel = "ARN",
      description = {"A KMS key ARN or Secrets Manager key-secret ARN this host trusts to open AWS key slots and",
          "sealed store values (repeatable; added to $SESAME_TRUSTED_KEYS and /etc/sesame/trusted-keys).",
          "A slot or value naming any other key is refused as tampering (exit 3) before any AWS call."})
  List<String> trustedKeys;

  /** This host's trust settings: --trusted-key, $SESAME_TRUSTED_KEYS, the trust file. */
  TrustedKeys trust() throws UserError {
    try {
      return TrustedKeys.load(trustedKeys, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, e.getMessage());
    }
  }

  /** An empty $SESAME_KEY_FILE means unset, as in a shell's ${VAR:-default}. */
  Path keyFile() {
    return keyFile == null || keyFile.toString().isEmpty() ? null : keyFile;
  }

  /**
   * The sources to try for VAULT. With no local key given (no key file, no passphrase option),
   * a vault that has AWS KMS or Secrets Manager slots is opened through those whose key this host
   * trusts ({@link #trust()}), each in the pinned key's region with the SDK's default credentials:
   * an EC2 instance role opens it with no secret on the host. With no trusted key at all, AWS
   * slots are refused (exit 3) without any AWS call. Otherwise as
   * {@link #unlockSources(Stdin, String)}. The AWS SDK is loaded only on that first path.
   */
  List<KeySource> unlockSources(Stdin stdin, String prompt, Path vault) throws UserError, VaultException {
    if (keyFile() == null && !passphraseStdin && passphraseFile == null && vault != null) {
      Set<String> types = slotTypes(vault);
      // Compile-time constants: naming them loads no AWS class.
      if (types.contains(AwsKeySources.KMS) || types.contains(AwsKeySources.SECRETS_MANAGER)) {
        TrustedKeys trust = trust();
        if (trust.isEmpty()) {
          throw new VaultException.WrongKey("vault " + vault + " opens with AWS key slots, but this host trusts no "
              + "AWS key: refused, no AWS call made; " + TrustedKeys.howToPin().replace("pin it", "pin the key")
              + " (sesame init and passwd print the ARN), or give a local key");
        }
        return AwsKeySources.openers(types, AwsSettings.defaults(), trust);
      }
    }
    return unlockSources(stdin, prompt);
  }

  /**
   * The slot types VAULT names, read without a key and without the AWS SDK, to decide whether
   * AWS key sources are worth loading. Nothing here is trusted: the vault authenticates every
   * slot once opened; a file that cannot be read yields no types, and opening it then reports why.
   */
  private static Set<String> slotTypes(Path vault) {
    try {
      return VaultIndex.read(vault).slotTypes();
    } catch (VaultException | RuntimeException unreadable) {
      return Set.of();
    }
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
