package dev.sesame.cli;

import dev.sesame.crypto.Wipe;
import dev.sesame.ses.SesRegions;
import dev.sesame.ses.SesCredentials;
import dev.sesame.ses.TlsMode;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryNames;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeySource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", mixinStandardHelpOptions = true,
    description = {"Store a credential as the new current version of NAME (the old one becomes previous).",
        "SES form: an IAM access key; the SMTP username and password are derived from it.",
        "Manual form: any SMTP relay's host, port and login.",
        "Secrets come from standard input only; when the vault passphrase is also read from stdin,",
        "it is the first line and the secret the second."})
final class PutCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "Entry name: letters, digits, '_' and '-'.")
  String name;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Form form;

  @Mixin
  VaultOptions vault;

  @Option(names = "--store", paramLabel = "sm://PREFIX", defaultValue = "${env:SESAME_STORE}",
      description = "Store in the shared Secrets Manager store (secret PREFIX+NAME, AWSCURRENT) instead of the vault."
          + " Default: $SESAME_STORE.")
  String store;

  @Option(names = "--store-kms-key", paramLabel = "KEYID", defaultValue = "${env:SESAME_STORE_KMS_KEY}",
      description = "With --store: seal the value client-side under this KMS key (default: $SESAME_STORE_KMS_KEY).")
  String storeKmsKey;

  @Option(names = "--store-plain",
      description = "With --store: store plain JSON, protected only by Secrets Manager's own encryption.")
  boolean storePlain;

  static final class Form {
    @ArgGroup(exclusive = false, heading = "SES credential:%n")
    SesForm ses;

    @ArgGroup(exclusive = false, heading = "Manual SMTP credential:%n")
    SmtpForm smtp;
  }

  static final class SesForm {
    @Option(names = "--region", required = true, description = "SES region, e.g. eu-west-1.")
    String region;

    @Option(names = "--access-key-id", required = true, paramLabel = "ID",
        description = "IAM access key id (becomes the SMTP username).")
    String accessKeyId;

    @Option(names = "--secret-stdin", required = true,
        description = "Read the secret access key from standard input.")
    boolean secretStdin;

    @Option(names = "--iam-user", paramLabel = "USER", defaultValue = "",
        description = "IAM user owning the key (needed later for rotation).")
    String iamUser;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "587",
        description = "SES SMTP port: 587, 25 or 2587 (STARTTLS), 465 or 2465 (TLS). Default: ${DEFAULT-VALUE}.")
    int smtpPort;
  }

  static final class SmtpForm {
    @Option(names = "--host", required = true, description = "SMTP server host name.")
    String host;

    @Option(names = "--port", required = true, description = "SMTP server port.")
    int port;

    @Option(names = "--smtp-username", required = true, paramLabel = "USER", description = "SMTP login.")
    String username;

    @Option(names = "--smtp-password-stdin", required = true,
        description = "Read the SMTP password from standard input.")
    boolean passwordStdin;

    @Option(names = "--tls", paramLabel = "MODE",
        description = "How TLS starts: starttls or implicit (TLS from the first byte). Default: from a "
            + "well-known port (25, 587, 2587: starttls; 465, 2465: implicit); required on any other port. "
            + "Plaintext is not offered: the login only ever crosses inside TLS.")
    String tls;
  }

  @Override
  public Integer call() throws Exception {
    EntryNames.check(name);
    if (form.smtp != null) {
      // Refuse a port without a TLS mode before anything is unlocked or read from stdin.
      checkPort(form.smtp.port);
      tlsMode(form.smtp);
    }
    if (StoreOptions.given(store)) {
      boolean sealed = storeKmsKey != null && !storeKmsKey.isEmpty();
      if (sealed == storePlain) {
        throw new UserError(ExitCode.USAGE, "with --store, give --store-kms-key KEYID (sealed) or --store-plain");
      }
      Credential credential = form.ses != null ? sesCredential(form.ses) : smtpCredential(form.smtp);
      String versionId = StoreAccess.write(store, name, credential,
          sealed ? java.util.Optional.of(storeKmsKey) : java.util.Optional.empty());
      Console.ERR.println("stored " + name + " in " + store + " as AWSCURRENT (version " + versionId + ", "
          + (sealed ? "sealed" : "plain") + ")");
      return ExitCode.OK;
    }
    List<KeySource> sources = vault.unlockSources();
    Credential credential = form.ses != null ? sesCredential(form.ses) : smtpCredential(form.smtp);
    int version = vault.update(sources, v -> v.put(name, credential));
    Console.ERR.println("stored " + name + " version " + version + " as current");
    return ExitCode.OK;
  }

  private static Credential sesCredential(SesForm ses) throws UserError {
    checkPort(ses.smtpPort);
    if (!SesRegions.isKnown(ses.region)) {
      Console.ERR.println("sesame: warning: region " + ses.region
          + " is not in the known SES SMTP regions; check the name (the password is region-specific)");
    }
    byte[] secret = Stdin.SYSTEM.nextLine("secret access key");
    try {
      return SesCredentials.fromAccessKey(ses.region, ses.iamUser, ses.accessKeyId,
          new String(secret, StandardCharsets.UTF_8), ses.smtpPort);
    } finally {
      Wipe.bytes(secret);
    }
  }

  private static Credential smtpCredential(SmtpForm smtp) throws UserError {
    checkPort(smtp.port);
    TlsMode tls = tlsMode(smtp);
    byte[] password = Stdin.SYSTEM.nextLine("SMTP password");
    try {
      return Credential.of(EntryType.SMTP, Map.of(
          Credential.SMTP_HOST, smtp.host,
          Credential.SMTP_PORT, Integer.toString(smtp.port),
          Credential.SMTP_USERNAME, smtp.username,
          Credential.SMTP_PASSWORD, new String(password, StandardCharsets.UTF_8),
          Credential.SMTP_TLS, tls.wireName()));
    } finally {
      Wipe.bytes(password);
    }
  }

  /** --tls when given, else what a well-known port implies; refused on other ports (exit 2), before stdin is read. */
  private static TlsMode tlsMode(SmtpForm smtp) throws UserError {
    if (smtp.tls != null) {
      try {
        return TlsMode.parse(smtp.tls);
      } catch (IllegalArgumentException e) {
        throw new UserError(ExitCode.USAGE, "--tls must be starttls or implicit (plaintext SMTP AUTH is not offered)");
      }
    }
    return TlsMode.ofWellKnownPort(smtp.port).orElseThrow(() -> new UserError(ExitCode.USAGE,
        "port " + smtp.port + " is not a well-known SMTP submission port, so its TLS mode cannot be guessed: add "
            + "--tls starttls (the relay answers in clear, then upgrades) or --tls implicit (TLS from the first byte), "
            + "as the relay's documentation says"));
  }

  private static void checkPort(int port) throws UserError {
    if (port < 1 || port > 65535) {
      throw new UserError(ExitCode.USAGE, "port must be 1..65535");
    }
  }
}
