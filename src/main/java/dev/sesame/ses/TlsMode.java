package dev.sesame.ses;

import java.util.Locale;
import java.util.Optional;

/**
 * How an SMTP connection gets its TLS. There is deliberately no plaintext mode: an SMTP login
 * (AUTH PLAIN/LOGIN) sends the password base64-encoded, so it only ever crosses inside TLS.
 */
public enum TlsMode {
  /** Plain greeting and EHLO, then STARTTLS (RFC 3207) before anything else; required, never optional. */
  STARTTLS("starttls"),
  /** TLS from the first byte ("SMTPS", RFC 8314). */
  IMPLICIT("implicit");

  private final String wireName;

  TlsMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name stored in an entry's {@code smtp_tls} field and given to `put --tls`. */
  public String wireName() {
    return wireName;
  }

  /** The mode named TEXT ({@code starttls} or {@code implicit}); IllegalArgumentException otherwise. */
  public static TlsMode parse(String text) {
    for (TlsMode mode : values()) {
      if (mode.wireName.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown TLS mode '" + text + "' (starttls or implicit)");
  }

  /**
   * The mode SES uses on PORT: implicit TLS on 465 and 2465, STARTTLS on 587, 25, 2587 and any
   * other port (Amazon SES Developer Guide, "Connecting to an Amazon SES SMTP endpoint").
   */
  public static TlsMode forPort(int port) {
    return port == 465 || port == 2465 ? IMPLICIT : STARTTLS;
  }

  /**
   * The mode a well-known submission port implies (25, 587, 2587: STARTTLS; 465, 2465: implicit
   * TLS, RFC 8314 section 7.3 for 465), or empty for any other port, where only the relay's
   * documentation can tell (2525 is STARTTLS at some providers and implicit TLS at others).
   */
  public static Optional<TlsMode> ofWellKnownPort(int port) {
    if (SmtpPorts.STARTTLS_PORTS.contains(port)) {
      return Optional.of(STARTTLS);
    }
    if (SmtpPorts.IMPLICIT_TLS_PORTS.contains(port)) {
      return Optional.of(IMPLICIT);
    }
    return Optional.empty();
  }

  /**
   * An entry's mode from its fields: the stored {@code smtp_tls} when there is one, else what its
   * port implies (an SES entry's port always does: SES speaks STARTTLS on every port but 465 and
   * 2465). Empty for a manual relay on another port stored before {@code smtp_tls} existed.
   */
  public static Optional<TlsMode> ofEntry(Optional<String> storedTls, int port, boolean ses) {
    if (storedTls.isPresent()) {
      return Optional.of(parse(storedTls.get()));
    }
    return ses ? Optional.of(forPort(port)) : ofWellKnownPort(port);
  }
}
