package dev.sesame.cli;

import dev.sesame.scan.CredentialImport;
import dev.sesame.scan.FileCredentials;
import dev.sesame.scan.FoundCredential;
import dev.sesame.scan.Kind;
import dev.sesame.scan.ScanOptions;
import dev.sesame.ses.SesRegions;
import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryNames;
import dev.sesame.vault.KeySource;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Seal an SES credential found in a plain-text file into the vault.",
        "As `sesame scan` finds them; it becomes the new current version of NAME: SMTP",
        "host, port, username and password, access key id and Region, and the secret",
        "access key when the file holds one. When FILE holds several, choose one with",
        "--line N. The file is left as it is: render the templates over it, then revoke",
        "the key. An imported SMTP password has no secret access key; rotate and revoke",
        "find the key's IAM user with iam:GetAccessKeyLastUsed unless --iam-user names it.",
        "See docs/scan.md and docs/runbooks/incident-response.md."})
final class ImportCommand implements Callable<Integer> {
  private final Invocation io;

  ImportCommand(Invocation io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry name: letters, digits, '_' and '-'.")
  String name;

  @Option(names = "--from", required = true, paramLabel = "FILE", description = "The file holding the credential.")
  Path from;

  @Option(names = "--line", paramLabel = "N", description = "Import the credential on line N (as scan prints it).")
  Integer line;

  @Option(names = "--region", paramLabel = "REGION",
      description = "SES Region, when FILE names no SES SMTP host (the password works in its Region only).")
  String region;

  @Option(names = "--iam-user", paramLabel = "USER", defaultValue = "",
      description = "IAM user owning the key (default: found by rotate and revoke from the access key id).")
  String iamUser;

  @Option(names = "--host", paramLabel = "HOST", description = "SMTP host, instead of the one FILE names.")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "SMTP port, instead of the one FILE names "
      + "(default: FILE's, else 587).")
  Integer port;

  @Mixin
  VaultOptions vault;

  @Override
  public Integer call() throws Exception {
    EntryNames.check(name);
    Credential credential;
    FoundCredential chosen;
    try {
      List<FoundCredential> found = FileCredentials.in(from, ScanOptions.defaults());
      chosen = CredentialImport.choose(from.toString(), found,
          line == null ? OptionalInt.empty() : OptionalInt.of(line));
      credential = CredentialImport.credential(chosen, new CredentialImport.Overrides(Optional.ofNullable(region),
          iamUser, Optional.ofNullable(host), port == null ? OptionalInt.empty() : OptionalInt.of(port)));
    } catch (NoSuchFileException e) {
      throw new UserError(ExitCode.NOT_FOUND, "no such file: " + from);
    } catch (FileCredentials.UnscannableFile e) {
      throw new UserError(ExitCode.ERROR, e.getMessage());
    } catch (CredentialImport.Refused e) {
      throw new UserError(switch (e.reason()) {
        case NONE -> ExitCode.NOT_FOUND;
        case CHOOSE, INCOMPLETE -> ExitCode.USAGE;
      }, e.getMessage());
    }
    String entryRegion = credential.field(Credential.REGION).orElseThrow();
    if (!SesRegions.isKnown(entryRegion)) {
      io.err().println("sesame: warning: region " + entryRegion
          + " is not in the known SES SMTP regions; check the name (the password is region-specific)");
    }
    List<KeySource> sources = vault.unlockSources();
    int version = vault.update(sources, v -> v.put(name, credential));
    String keyId = chosen.accessKeyId();
    new AuditLog(vault.vaultPath(), Clock.systemUTC()).append(new AuditLog.Entry(
        "local user " + System.getProperty("user.name"), name, "import", AuditLog.keyHint(keyId), "ok",
        chosen.kind().wireName() + " from " + from.toAbsolutePath() + " line " + chosen.line()));
    io.err().println("imported " + chosen.kind().wireName() + " " + keyId + " from line " + chosen.line() + " of "
        + from + " as " + name + " version " + version + " (current): "
        + credential.field(Credential.SMTP_HOST).orElseThrow() + ":" + credential.field(Credential.SMTP_PORT).orElseThrow()
        + ", region " + entryRegion);
    if (chosen.kind() == Kind.SES_SMTP_PASSWORD) {
      io.err().println("the file holds no secret access key: " + name + " has none until its first rotate or "
          + "revoke, which replaces the key");
    }
    if (iamUser.isEmpty()) {
      io.err().println("no --iam-user: rotate and revoke look the user up from " + keyId
          + " (iam:GetAccessKeyLastUsed)");
    }
    io.err().println("the credential is still in plain text in " + from + ": render the templates over it, "
        + "then revoke the key (docs/runbooks/incident-response.md)");
    return ExitCode.OK;
  }
}
