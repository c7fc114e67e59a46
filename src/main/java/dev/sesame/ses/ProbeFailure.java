package dev.sesame.ses;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The SMTP proof failed. {@link #getMessage()} is one line a mail admin can act on; it never holds
 * a credential, and neither does the cause chain (the probe drops a cause that would).
 */
public final class ProbeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final Diagnosis diagnosis;
  private final SmtpEndpoint endpoint;
  private final int attempts;
  private final Duration elapsed;
  private final Set<Diagnosis> warnings;

  public ProbeFailure(Diagnosis diagnosis, SmtpEndpoint endpoint, int attempts, Duration elapsed,
      Set<Diagnosis> warnings, String message, Throwable cause) {
    super(message, cause);
    this.diagnosis = Objects.requireNonNull(diagnosis, "diagnosis");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.attempts = attempts;
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    this.warnings = Set.copyOf(warnings);
  }

  public Diagnosis diagnosis() {
    return diagnosis;
  }

  public SmtpEndpoint endpoint() {
    return endpoint;
  }

  /** Logins tried before giving up (1 when the failure was not worth retrying). */
  public int attempts() {
    return attempts;
  }

  public Duration elapsed() {
    return elapsed;
  }

  /** Findings seen on the way, such as {@link Diagnosis#AUTH_BEFORE_TLS}. */
  public Set<Diagnosis> warnings() {
    return warnings;
  }
}
