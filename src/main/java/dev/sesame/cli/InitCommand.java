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
        "With --passphrase-stdin, the passphrase is the first line of standard input.",
        "With --kms-key, AWS KMS wraps the data key (encryption context sesame-vault=VAULT_ID);",
        "with --sm-key-secret, 32 bytes of key material live in that Secrets Manager secret",
        "(created if missing). Several sources may be combined, e.g. --kms-key for hosts plus",
        "--passphrase-stdin for offline recovery."})
final class InitCommand implements Callable<Integer> {
  private final Invocation io;

  InitCommand(Invocation io) {
    this.io = io;
  }

  @Mixin
  VaultOptions vault;

  @Mixin
  KdfOptions kdf;

  @Mixin
  NewPassphraseOptions newPassphrase;

  @Option(names = "--kms-key", paramLabel = "KEYID",
      description = "AWS KMS key id, key ARN or alias (alias/NAME) that wraps the data key.")
  String kmsKey;

  @Option(names = "--sm-key-secret", paramLabel = "SECRET_ID",
      description = "AWS Secrets Manager secret holding 32 bytes of key material (created if missing).")
  String smKeySecret;

  @Mixin
  AwsOptions aws;

  @Option(names = "--max-versions", paramLabel = "N", defaultValue = "5",
      description = "Versions kept per entry, labelled ones included (default: ${DEFAULT-VALUE}, minimum 3).")
  int maxVersions;

  @Override
  public Integer call() throws Exception {
    if (maxVersions < 3) {
      throw new UserError(ExitCode.USAGE, "--max-versions must be at least 3");
    }
    List<KeySource> sources = new ArrayList<>();
    List<String> why = new ArrayList<>();
    KeyOptions keys = vault.keys;
    if (keys.keyFile() != null) {
      boolean existed = java.nio.file.Files.exists(keys.keyFile());
      sources.add(KeyFileKeySource.createOrLoad(keys.keyFile()));
      boolean fromEnvironment = keys.keyFile().toString().equals(io.env("SESAME_KEY_FILE"))
          && !keyFileOptionGiven();
      why.add("key file " + keys.keyFile() + (existed ? "" : " (created, mode 0600)")
          + (fromEnvironment ? ", because SESAME_KEY_FILE names it" : ", from --key-file"));
    }
    if (kmsKey != null) {
      sources.add(AwsKeySources.kms(aws.settings(), kmsKey));
      why.add("KMS key " + kmsKey + ", from --kms-key");
    }
    if (smKeySecret != null) {
      sources.add(AwsKeySources.secretsManager(aws.settings(), smKeySecret, io.err()));
      why.add("Secrets Manager key material " + smKeySecret + ", from --sm-key-secret");
    }
    boolean awsOnly = kmsKey != null || smKeySecret != null;
    if (keys.passphraseStdin || keys.passphraseFile != null || (keys.keyFile() == null && !awsOnly)) {
      byte[] passphrase = Passphrases.read(io.stdin(), keys.passphraseStdin, keys.passphraseFile,
          "New passphrase for " + vault.vaultPath() + ": ", true)
          .orElseThrow(() -> new UserError(ExitCode.USAGE,
              "no key given: use --key-file FILE, --passphrase-stdin, --passphrase-file FILE, --kms-key KEYID "
                  + "or --sm-key-secret SECRET_ID"));
      sources.add(PassphraseKeySource.of(newPassphrase.checked(passphrase), kdf.params()));
      why.add("passphrase, " + (keys.passphraseStdin ? "from --passphrase-stdin"
          : keys.passphraseFile != null ? "from --passphrase-file" : "typed at the prompt"));
    }
    try {
      Vault.create(vault.vaultPath(), sources, maxVersions);
      io.err().println("created vault " + vault.vaultPath() + " with " + sources.size() + " key slot"
          + (sources.size() == 1 ? "" : "s") + ", each able to open it: " + String.join("; ", why));
      for (KeySource source : sources) {
        AwsKeySources.pinLine(source).ifPresent(io.err()::println);
      }
    } finally {
      sources.forEach(KeySource::destroy);
    }
    return ExitCode.OK;
  }

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** Whether --key-file was typed, as opposed to defaulted from $SESAME_KEY_FILE. */
  private boolean keyFileOptionGiven() {
    return spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption("--key-file");
  }
}
