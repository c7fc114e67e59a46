package dev.sesame.cli;

import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.PassphraseKeySource;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "passwd", mixinStandardHelpOptions = true,
    description = {"Add, replace or remove a key source. Only the data key is re-wrapped; entries are untouched.",
        "By default the new source replaces the slot used to unlock; --add keeps it.",
        "Example: a KMS-opened vault gains an offline recovery passphrase with",
        "  sesame passwd --add --new-passphrase-prompt   (unlocked through KMS, no key option needed)",
        "When both the unlock and the new passphrase come from stdin, the unlock one is line 1."})
final class PasswdCommand implements Callable<Integer> {
  private final Invocation io;

  PasswdCommand(Invocation io) {
    this.io = io;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Change change;

  static final class Change {
    @Option(names = "--new-key-file", paramLabel = "FILE",
        description = "New key file (created with mode 0600 if missing).")
    Path newKeyFile;

    @Option(names = "--new-passphrase-stdin", description = "Read the new passphrase from standard input.")
    boolean newPassphraseStdin;

    @Option(names = "--new-passphrase-file", paramLabel = "FILE", description = "Read the new passphrase from FILE.")
    Path newPassphraseFile;

    @Option(names = "--new-passphrase-prompt", description = "Prompt for the new passphrase on the terminal.")
    boolean newPassphrasePrompt;

    @Option(names = "--new-kms-key", paramLabel = "KEYID",
        description = "Wrap the data key with this AWS KMS key (id, ARN or alias/NAME).")
    String newKmsKey;

    @Option(names = "--new-sm-key-secret", paramLabel = "SECRET_ID",
        description = "Key material in this AWS Secrets Manager secret (created if missing).")
    String newSmKeySecret;

    @Option(names = "--remove", paramLabel = "SLOT", description = "Remove key slot SLOT (see: list --key-slots).")
    String removeSlot;
  }

  @Option(names = "--add", description = "Add the new source and keep the one used to unlock.")
  boolean add;

  @Mixin
  VaultOptions vault;

  @Mixin
  KdfOptions kdf;

  @Mixin
  NewPassphraseOptions newPassphrase;

  @Mixin
  AwsOptions aws;

  @Override
  public Integer call() throws Exception {
    List<KeySource> unlock = vault.unlockSources();
    try {
      return change(unlock);
    } finally {
      unlock.forEach(KeySource::destroy);
    }
  }

  private Integer change(List<KeySource> unlock) throws Exception {
    if (change.removeSlot != null) {
      vault.update(unlock, v -> {
        v.removeKeySlot(change.removeSlot);
        return null;
      });
      io.err().println("removed key slot " + change.removeSlot);
      return ExitCode.OK;
    }
    KeySource next = newSource();
    try {
      KeySlot added = vault.update(unlock, v -> {
        KeySlot slot = v.addKeySource(next);
        if (!add) {
          v.removeKeySlot(v.openedSlotId());
        }
        return slot;
      });
      io.err().println((add ? "added" : "replaced the unlocking slot with") + " key slot " + added.id()
          + " (" + next.describe() + ")" + (add ? "" : "; " + nextSteps()));
      AwsKeySources.pinLine(next).ifPresent(io.err()::println);
    } finally {
      next.destroy();
    }
    return ExitCode.OK;
  }

  /** After a replacement the old key no longer opens the vault: say what the caller must change. */
  private String nextSteps() {
    if (change.newKeyFile != null) {
      String envKeyFile = io.env("SESAME_KEY_FILE");
      if (envKeyFile != null && !envKeyFile.isEmpty() && !Path.of(envKeyFile).equals(change.newKeyFile)) {
        return "SESAME_KEY_FILE still names " + envKeyFile + ", which no longer opens the vault:"
            + " export SESAME_KEY_FILE=" + change.newKeyFile + " (and in every service and timer that sets it)";
      }
      return "open the vault with --key-file " + change.newKeyFile + " from now on";
    }
    if (change.newKmsKey != null || change.newSmKeySecret != null) {
      return "the vault now opens through AWS; the old key source no longer does";
    }
    return "unlock with the new passphrase from now on; the old key source no longer opens the vault";
  }

  private KeySource newSource() throws Exception {
    if (change.newKeyFile != null) {
      return KeyFileKeySource.createOrLoad(change.newKeyFile);
    }
    if (change.newKmsKey != null) {
      return AwsKeySources.kms(aws.settings(), change.newKmsKey);
    }
    if (change.newSmKeySecret != null) {
      return AwsKeySources.secretsManager(aws.settings(), change.newSmKeySecret, io.err());
    }
    byte[] passphrase = Passphrases.read(io.stdin(), change.newPassphraseStdin, change.newPassphraseFile,
        "New passphrase: ", true)
        .orElseThrow(() -> new UserError(ExitCode.USAGE, "no terminal to prompt for the new passphrase"));
    return PassphraseKeySource.of(newPassphrase.checked(passphrase), kdf.params());
  }
}
