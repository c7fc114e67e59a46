package dev.sesame.rotate;

import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.ProbeFailure;
import dev.sesame.ses.ProbeOptions;
import dev.sesame.ses.ProbeResult;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.ses.SmtpEndpoint;
import dev.sesame.ses.SmtpProbe;
import dev.sesame.ses.TlsMode;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The test step over the SMTP probe: EHLO, STARTTLS, AUTH with the candidate against its SES
 * endpoint (or SESAME_SMTP_ENDPOINT), retried with backoff while IAM propagates the new key.
 */
public final class SmtpCredentialProver implements CredentialProver {
  private final ProbeSettings settings;
  private final Duration deadline;
  private final Consumer<String> progress;

  public SmtpCredentialProver(ProbeSettings settings, Duration deadline, Consumer<String> progress) {
    this.settings = settings;
    this.deadline = deadline;
    this.progress = progress;
  }

  @Override
  public void prove(Credential candidate) throws RotationException {
    int port = Integer.parseInt(candidate.field(Credential.SMTP_PORT).orElseThrow());
    TlsMode tls = TlsMode.ofEntry(candidate.field(Credential.SMTP_TLS), port, candidate.type() == EntryType.SES)
        .orElseThrow(() -> new RotationException(Kind.INVALID, "the entry's relay on port " + port
            + " has no stored TLS mode; store it again with: sesame put NAME ... --tls starttls|implicit"));
    SmtpEndpoint endpoint = settings.endpointFor(candidate.field(Credential.SMTP_HOST).orElseThrow(), port, tls);
    ProbeOptions options;
    try {
      options = settings.applyTo(ProbeOptions.defaults().withDeadline(deadline));
    } catch (IOException | GeneralSecurityException e) {
      throw new RotationException(Kind.SMTP, "cannot read " + ProbeSettings.CA_FILE_VARIABLE + ": " + e.getMessage(), e);
    }
    try {
      ProbeResult result = SmtpProbe.prove(endpoint, candidate.field(Credential.SMTP_USERNAME).orElseThrow(),
          candidate.field(Credential.SMTP_PASSWORD).orElseThrow(), options);
      progress.accept("SMTP login accepted by " + endpoint + " after " + result.attempts() + " attempt(s)");
    } catch (ProbeFailure failure) {
      throw new RotationException(Kind.SMTP, failure.getMessage(), failure);
    }
  }
}
