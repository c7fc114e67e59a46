package dev.sesame.ses;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A credential that logged in: where, after how many attempts and how long, what the server said
 * and which TLS it spoke. Holds no credential, so its toString is safe to print.
 *
 * @param greeting the server's 220 greeting, when one was read in clear (STARTTLS ports)
 * @param warnings findings that did not stop the login, such as {@link Diagnosis#AUTH_BEFORE_TLS}
 */
public record ProbeResult(
    SmtpEndpoint endpoint,
    int attempts,
    Duration elapsed,
    Optional<String> greeting,
    Optional<String> tlsProtocol,
    Optional<String> cipherSuite,
    Set<Diagnosis> warnings) {

  public ProbeResult {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(greeting, "greeting");
    Objects.requireNonNull(tlsProtocol, "tlsProtocol");
    Objects.requireNonNull(cipherSuite, "cipherSuite");
    warnings = Set.copyOf(warnings);
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts < 1: " + attempts);
    }
  }
}
