package dev.sesame.ses;

import java.util.List;

/**
 * The ports of the SES SMTP interface and which TLS style each expects (SES Developer Guide,
 * "Connecting to an Amazon SES SMTP endpoint"). The two styles cannot be mixed: a STARTTLS client on
 * 465 or a TLS-wrapper client on 587 hangs or fails at the first byte.
 */
public final class SmtpPorts {
  /** The usual submission port; EC2 throttles port 25 by default. */
  public static final int DEFAULT = 587;
  /** Plain-text greeting, then STARTTLS. */
  public static final List<Integer> STARTTLS_PORTS = List.of(587, 25, 2587);
  /** TLS from the first byte ("TLS Wrapper", SMTPS). */
  public static final List<Integer> IMPLICIT_TLS_PORTS = List.of(465, 2465);

  private SmtpPorts() {}

  /** Whether a client must start TLS before the SMTP greeting on {@code port}. */
  public static boolean isImplicitTls(int port) {
    return IMPLICIT_TLS_PORTS.contains(port);
  }

  /** Whether {@code port} is one that SES serves at all. */
  public static boolean isSesPort(int port) {
    return STARTTLS_PORTS.contains(port) || IMPLICIT_TLS_PORTS.contains(port);
  }
}
