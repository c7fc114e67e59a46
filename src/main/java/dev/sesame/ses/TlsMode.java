package dev.sesame.ses;

/** How an SMTP connection gets its TLS. */
public enum TlsMode {
  /** Plain greeting and EHLO, then STARTTLS (RFC 3207) before anything else; required, never optional. */
  STARTTLS,
  /** TLS from the first byte ("SMTPS", RFC 8314). */
  IMPLICIT;

  /**
   * The mode SES uses on PORT: implicit TLS on 465 and 2465, STARTTLS on 587, 25, 2587 and any
   * other port (Amazon SES Developer Guide, "Connecting to an Amazon SES SMTP endpoint").
   */
  public static TlsMode forPort(int port) {
    return port == 465 || port == 2465 ? IMPLICIT : STARTTLS;
  }
}
