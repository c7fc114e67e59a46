package dev.sesame.rotate;

import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.Diagnosis;
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
  private final ProbeOptions base;
  private final Consumer<String> progress;
  private final Consumer<String> attempts;

  public SmtpCredentialProver(ProbeSettings settings, Duration deadline, Consumer<String> progress) {
    this(settings, deadline, progress, progress);
  }

  /** As above, with one line per refused attempt (elapsed time, time left before the deadline) to ATTEMPTS. */
  public SmtpCredentialProver(ProbeSettings settings, Duration deadline, Consumer<String> progress,
      Consumer<String> attempts) {
    this(settings, ProbeOptions.defaults().withDeadline(deadline), progress, attempts);
  }

  /**
   * As above, with BASE's deadline, timeouts, backoff and clock instead of the defaults' (trust still comes
   * from SETTINGS): lets a test that expects a silent server to time out wait a short read timeout, not
   * the default 30 s.
   */
  public SmtpCredentialProver(ProbeSettings settings, ProbeOptions base, Consumer<String> progress,
      Consumer<String> attempts) {
    this.settings = settings;
    this.base = base;
    this.progress = progress;
    this.attempts = attempts;
  }

  /** "SMTP attempt 3 refused (auth rejected) by HOST:587; 6s elapsed, 114s left before the deadline; next in 4s". */
  static String attemptLine(SmtpEndpoint endpoint, int attempt, Diagnosis diagnosis, Duration elapsed, Duration left,
      Duration pause) {
    return "SMTP attempt " + attempt + " refused by " + endpoint + " ("
        + diagnosis.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + (diagnosis == Diagnosis.AUTH_REJECTED ? ": a new key is refused while IAM propagates it" : "")
        + "); " + seconds(elapsed) + " elapsed, " + seconds(left) + " left before the deadline; next attempt in "
        + seconds(pause);
  }

  private static String seconds(Duration d) {
    return Math.round(d.toMillis() / 1000.0) + "s";
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
      options = settings.applyTo(base);
    } catch (IOException | GeneralSecurityException e) {
      throw new RotationException(Kind.SMTP, "cannot read " + ProbeSettings.CA_FILE_VARIABLE + ": " + e.getMessage(), e);
    }
    try {
      ProbeResult result = SmtpProbe.prove(endpoint, candidate.field(Credential.SMTP_USERNAME).orElseThrow(),
          candidate.field(Credential.SMTP_PASSWORD).orElseThrow(), options,
          (attempt, diagnosis, elapsed, left, pause) -> attempts.accept(attemptLine(endpoint, attempt, diagnosis,
              elapsed, left, pause)));
      progress.accept("SMTP login accepted by " + endpoint + " after " + result.attempts() + " attempt(s), "
          + seconds(result.elapsed()));
    } catch (ProbeFailure failure) {
      throw new RotationException(Kind.SMTP, failure.getMessage(), failure);
    }
  }
}
