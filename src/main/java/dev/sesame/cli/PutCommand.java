package dev.sesame.cli;

import dev.sesame.aws.SecretsManagerEntryStore;
import dev.sesame.ses.CredentialRules;
import dev.sesame.ses.SesRegions;
import dev.sesame.ses.SesCredentials;
import dev.sesame.ses.TlsMode;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryNames;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryType;
import java.util.Map;
import java.util.Optional;
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
  private final Invocation io;

  PutCommand(Invocation io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry name: letters, digits, '_' and '-'.")
  String name;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Form form;

  @Mixin
  EntryStoreOptions entries;

  static final class Form {
    @ArgGroup(exclusive = false, heading = "SES credential:%n")
    SesForm ses;

    @ArgGroup(exclusive = false, heading = "Manual SMTP credential:%n")
    SmtpForm smtp;
  }

  static final class SesForm {
    @Option(names = "--region", required = true, paramLabel = "REGION",
        description = "AWS Region whose SES SMTP endpoint sends the mail, e.g. eu-west-1 (the password is"
            + " derived for it). Must be a known SES SMTP Region unless --allow-unknown-region.")
    String region;

    @Option(names = "--allow-unknown-region",
        description = "Accept a Region that is not in Sesame's list of SES SMTP Regions (one AWS opened since).")
    boolean allowUnknownRegion;

    @Option(names = "--access-key-id", required = true, paramLabel = "ID",
        description = "IAM access key id, AKIA and 16 characters (becomes the SMTP username).")
    String accessKeyId;

    @Option(names = "--secret-stdin", required = true,
        description = "Read the secret access key (40 characters) from standard input.")
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
    checkOptions();
    boolean inStore = entries.inStore();
    if (inStore) {
      entries.protection.requireWritable("put");
    }
    // The vault's passphrase, when it comes from stdin, is read here: before the secret.
    try (EntryStore store = entries.open()) {
      Credential credential = form.ses != null ? sesCredential(form.ses) : smtpCredential(form.smtp);
      String version = store.put(name, credential);
      if (store instanceof SecretsManagerEntryStore shared) {
        io.err().println("stored " + name + " in " + entries.store + " as AWSCURRENT (version " + version + ", "
            + (entries.protection.plain() ? "plain" : "sealed") + ")");
        shared.store().protection().sealWith().stream().map(AwsKeySources::pinLine).flatMap(Optional::stream)
            .findFirst().ifPresent(io.err()::println);
      } else {
        io.err().println("stored " + name + " version " + version + " as current");
      }
      return ExitCode.OK;
    }
  }

  /** Everything the command line says, checked before the vault is unlocked or stdin is read. */
  private void checkOptions() throws UserError {
    try {
      if (form.ses != null) {
        checkPort(form.ses.smtpPort);
        checkRegion(form.ses.region, form.ses.allowUnknownRegion);
        CredentialRules.checkAccessKeyId(form.ses.accessKeyId);
        CredentialRules.checkNoControlCharacters("--iam-user", form.ses.iamUser);
      } else {
        checkPort(form.smtp.port);
        tlsMode(form.smtp); // a port without a TLS mode is refused here, before anything is read
        CredentialRules.checkNoControlCharacters("--host", form.smtp.host);
        CredentialRules.checkNoControlCharacters("--smtp-username", form.smtp.username);
      }
    } catch (IllegalArgumentException refused) {
      throw new UserError(ExitCode.USAGE, refused.getMessage());
    }
  }

  /** A typo such as eu-west1 would store a password derived for no Region: refused, never stored. */
  private static void checkRegion(String region, boolean allowUnknown) throws UserError {
    if (!SesRegions.isWellFormed(region)) {
      throw new UserError(ExitCode.USAGE, "--region must be lower-case letters, digits and hyphens, like eu-west-1");
    }
    if (SesRegions.isKnown(region) || allowUnknown) {
      return;
    }
    String unhyphenated = region.replace("-", "");
    String suggestion = SesRegions.known().stream().filter(known -> known.replace("-", "").equals(unhyphenated))
        .findFirst().map(known -> " (did you mean " + known + "?)").orElse("");
    throw new UserError(ExitCode.USAGE, "--region is not a known SES SMTP Region" + suggestion
        + "; the password is derived per Region, so a wrong one never authenticates."
        + " For a Region opened since this release, add --allow-unknown-region");
  }

  private Credential sesCredential(SesForm ses) throws UserError {
    String secret = io.stdin().nextText("secret access key");
    try {
      CredentialRules.checkSecretAccessKey(secret);
    } catch (IllegalArgumentException refused) {
      throw new UserError(ExitCode.USAGE, refused.getMessage());
    }
    return SesCredentials.fromAccessKey(ses.region, ses.iamUser, ses.accessKeyId, secret, ses.smtpPort);
  }

  private Credential smtpCredential(SmtpForm smtp) throws UserError {
    TlsMode tls = tlsMode(smtp);
    String password = io.stdin().nextText("SMTP password");
    try {
      CredentialRules.checkNoControlCharacters("the SMTP password on standard input", password);
    } catch (IllegalArgumentException refused) {
      throw new UserError(ExitCode.USAGE, refused.getMessage());
    }
    return Credential.of(EntryType.SMTP, Map.of(
        Credential.SMTP_HOST, smtp.host,
        Credential.SMTP_PORT, Integer.toString(smtp.port),
        Credential.SMTP_USERNAME, smtp.username,
        Credential.SMTP_PASSWORD, password,
        Credential.SMTP_TLS, tls.wireName()));
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
