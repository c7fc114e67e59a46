package dev.sesame.scan;

import dev.sesame.ses.SesCredentials;
import dev.sesame.ses.SesRegions;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns a credential found in a file into the vault entry `import` seals. An SES SMTP password
 * comes without its secret access key: the entry keeps the access key id, Region, host, port and
 * password, and an empty secret access key, which is how the vault marks a key Sesame does not
 * hold (the first rotation or revoke replaces it with one it does). The IAM user may stay empty:
 * rotation finds it from the access key id (iam:GetAccessKeyLastUsed).
 */
public final class CredentialImport {
  private CredentialImport() {}

  /** What the user gave on the command line to complete or correct what the file says. */
  public record Overrides(Optional<String> region, String iamUser, Optional<String> host, OptionalInt port) {}

  /** Why nothing can be imported; the message lists lines, kinds and key ids, never a secret. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    /** NONE: nothing found (or not at the line asked); CHOOSE: several, --line needed; INCOMPLETE: a fact is missing. */
    public enum Reason { NONE, CHOOSE, INCOMPLETE }

    private final Reason reason;

    Refused(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }

  /** The credential to import from FOUND: the only one, or the one on LINE. FILE names the source. */
  public static FoundCredential choose(String file, List<FoundCredential> found, OptionalInt line) throws Refused {
    if (found.isEmpty()) {
      throw new Refused(Refused.Reason.NONE, "no SES credential found in " + file);
    }
    if (line.isPresent()) {
      List<FoundCredential> atLine = found.stream().filter(f -> f.line() == line.getAsInt()).toList();
      if (atLine.isEmpty()) {
        throw new Refused(Refused.Reason.NONE, "no SES credential on line " + line.getAsInt() + " of " + file
            + "; found: " + describe(found));
      }
      if (atLine.size() > 1) {
        throw new Refused(Refused.Reason.CHOOSE, "line " + line.getAsInt() + " of " + file
            + " holds more than one credential (" + describe(atLine) + "); put each on a line of its own first");
      }
      return atLine.get(0);
    }
    if (found.size() > 1) {
      throw new Refused(Refused.Reason.CHOOSE, file + " holds " + found.size() + " credentials (" + describe(found)
          + "); choose one with --line N");
    }
    return found.get(0);
  }

  /** "line 12: ses-smtp-password AKIA..., line 30: ..." */
  public static String describe(List<FoundCredential> found) {
    StringBuilder text = new StringBuilder();
    for (FoundCredential f : found) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append("line ").append(f.line()).append(": ").append(f.kind().wireName());
      if (!f.accessKeyId().isEmpty()) {
        text.append(' ').append(f.accessKeyId());
      }
    }
    return text.toString();
  }

  /** The vault credential for FOUND, completed by OVERRIDES. */
  public static Credential credential(FoundCredential found, Overrides overrides) throws Refused {
    if (found.accessKeyId().isEmpty()) {
      throw new Refused(Refused.Reason.INCOMPLETE, "line " + found.line() + " has a secret access key but no "
          + "access key id within " + CredentialFinder.PAIRING_WINDOW + " lines; store it with: sesame put NAME "
          + "--region REGION --access-key-id ID --secret-stdin");
    }
    Optional<String> hostRegion = overrides.host().or(found::host).flatMap(CredentialFinder::regionOfHost);
    Optional<String> region = overrides.region().or(() -> hostRegion).or(found::region);
    if (region.isEmpty()) {
      throw new Refused(Refused.Reason.INCOMPLETE, "no SES SMTP host or Region found near line " + found.line()
          + " (the SMTP password only works in its Region); give --region");
    }
    if (!SesRegions.isWellFormed(region.get())) {
      throw new Refused(Refused.Reason.INCOMPLETE, "--region must be lower-case letters, digits and hyphens, "
          + "like eu-west-1");
    }
    if (hostRegion.isPresent() && !hostRegion.get().equals(region.get())) {
      throw new Refused(Refused.Reason.INCOMPLETE, "the SMTP host near line " + found.line() + " is in "
          + hostRegion.get() + ", not " + region.get() + " (an SES SMTP password works in one Region only); "
          + "give --host as well, or drop --region");
    }
    String host = overrides.host().or(found::host).orElse(SesRegions.smtpHost(region.get()));
    int port = overrides.port().isPresent() ? overrides.port().getAsInt() : found.port().orElse(587);
    if (port < 1 || port > 65535) {
      throw new Refused(Refused.Reason.INCOMPLETE, "port must be 1..65535");
    }
    Map<String, String> fields = new HashMap<>();
    if (found.kind() == Kind.SECRET_ACCESS_KEY) {
      fields.putAll(SesCredentials.fromAccessKey(region.get(), overrides.iamUser(), found.accessKeyId(),
          found.secret(), port).fields());
    } else {
      fields.put(Credential.REGION, region.get());
      fields.put(Credential.IAM_USER, overrides.iamUser());
      fields.put(Credential.ACCESS_KEY_ID, found.accessKeyId());
      fields.put(Credential.SECRET_ACCESS_KEY, Credential.UNKNOWN_SECRET_ACCESS_KEY);
      fields.put(Credential.SMTP_USERNAME, found.accessKeyId());
      fields.put(Credential.SMTP_PASSWORD, found.secret());
      fields.put(Credential.SMTP_PORT, Integer.toString(port));
    }
    fields.put(Credential.SMTP_HOST, host);
    return Credential.of(EntryType.SES, fields);
  }
}
