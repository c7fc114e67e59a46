package dev.sesame.ses;

/**
 * What went wrong when proving an SMTP credential, in the terms a mail admin acts on. Each value
 * says whether waiting can fix it ({@link #retryable()}) and what to change ({@link #advice}).
 * docs/smtp-probe.md lists them with their fixes.
 */
public enum Diagnosis {
  /** 535: wrong password (the IAM secret instead of the derived one), wrong region, or a key still propagating. */
  AUTH_REJECTED(true),
  /** 554 "Email address is not verified": the sender is outside every verified SES identity of the region. */
  NOT_VERIFIED(false),
  /** 554 "Access denied ... not authorized to perform ses:SendRawEmail": the IAM user may not send. */
  NOT_AUTHORIZED(false),
  /** The certificate chain does not lead to a trusted CA ("PKIX path building failed"). */
  CERT_UNTRUSTED(false),
  /** The certificate is trusted but not issued for the host name that was dialled. */
  HOSTNAME_MISMATCH(false),
  /** The server offered a DHE group smaller than the JVM accepts ("dh key too small"). */
  DH_TOO_SMALL(false),
  /** No STARTTLS in the EHLO answer: not SES, or a proxy strips it. */
  STARTTLS_MISSING(false),
  /** A warning, never a failure: the server advertised AUTH before TLS was up. */
  AUTH_BEFORE_TLS(false),
  /** No AUTH mechanism after TLS that both sides speak (PLAIN, LOGIN): the endpoint is not SES. */
  AUTH_NOT_OFFERED(false),
  /** 4xx: the server is busy or throttling ("454 Throttling failure"); waiting helps. */
  TEMPORARY_FAILURE(true),
  /** No TCP connection: refused, connect timeout, no route, unknown host. */
  CONNECT_FAILED(false),
  /** Connected, then the server stopped answering within the read timeout. */
  TIMEOUT(true),
  /** Anything else; the message names only the exception type. */
  OTHER(false);

  private final boolean retryable;

  Diagnosis(boolean retryable) {
    this.retryable = retryable;
  }

  /** True when the same attempt may succeed later, so the probe backs off and retries. */
  public boolean retryable() {
    return retryable;
  }

  /** One line telling a mail admin what to change, for a failure at ENDPOINT. */
  public String advice(SmtpEndpoint endpoint) {
    String at = endpoint.toString();
    String region = endpoint.region().orElse("the endpoint's region");
    String sesHost = "email-smtp." + endpoint.region().orElse("REGION") + ".amazonaws.com";
    return switch (this) {
      case AUTH_REJECTED -> "SES rejected the SMTP login at " + at
          + ": the password must be the SMTP password derived for " + region
          + " (not the IAM secret access key), and the region of the endpoint must match the one"
          + " it was derived for";
      case NOT_VERIFIED -> "SES refused the sender at " + at + ": verify the From and Return-Path"
          + " domain or address as an SES identity in " + region
          + " (in the SES sandbox, each recipient too)";
      case NOT_AUTHORIZED -> "SES accepted the login at " + at + " but the IAM user may not send:"
          + " allow ses:SendRawEmail for it (`sesame policy` prints a least-privilege policy)";
      case CERT_UNTRUSTED -> "the TLS certificate of " + at + " does not chain to a trusted CA:"
          + " add the chain to the trust store or set SESAME_SMTP_CA_FILE to a PEM file with its CA";
      case HOSTNAME_MISMATCH -> "the TLS certificate of " + at + " is not issued for "
          + endpoint.host() + ": dial a name the certificate lists (for SES, " + sesHost
          + "), or reissue the certificate for this name; do not turn hostname checks off";
      case DH_TOO_SMALL -> at + " offered a Diffie-Hellman (DHE) group smaller than Java accepts"
          + " (\"dh key too small\"): prefer ECDHE suites on the server (or in Exim"
          + " tls_require_ciphers) or give it a 2048-bit dhparam; do not weaken the JVM";
      case STARTTLS_MISSING -> at + " does not offer STARTTLS, so the login would cross the network"
          + " in clear: the endpoint is not SES or a proxy strips STARTTLS; use " + sesHost
          + ":587 directly";
      case AUTH_BEFORE_TLS -> at + " advertises AUTH before STARTTLS: Sesame logs in only after TLS,"
          + " but a client that does not insist on TLS could send the password in clear; offer AUTH"
          + " only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts ="
          + " ${if eq{$tls_in_cipher}{}{}{*}})";
      case AUTH_NOT_OFFERED -> at + " offers no PLAIN or LOGIN authentication after STARTTLS, so"
          + " the credential cannot be proved there: the endpoint is not SES; use " + sesHost;
      case TEMPORARY_FAILURE -> at + " answered with a temporary failure (4xx): wait and retry; if it"
          + " lasts, check the SES sending quota and rate for " + region;
      case CONNECT_FAILED -> "could not connect to " + at + ": check the host name, that outbound"
          + " port " + endpoint.port() + " is open (EC2 throttles port 25: use 587 or 2587) and"
          + " SESAME_SMTP_ENDPOINT";
      case TIMEOUT -> at + " connected but stopped answering: a firewall or proxy may hold the"
          + " connection; try port 587 or 2587";
      case OTHER -> "the SMTP check of " + at + " failed";
    };
  }
}
