package dev.sesame.ses;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an SMTP credential is proved: a host name or address, a TCP port, and how TLS starts
 * there (by default what SES does on that port; a manual relay's entry says so itself).
 */
public record SmtpEndpoint(String host, int port, TlsMode tlsMode) {
  private static final Pattern SES_HOST =
      Pattern.compile("email-smtp(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com\\.?");

  public SmtpEndpoint {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
      throw new IllegalArgumentException("not a host name: '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1-65535: " + port);
    }
    Objects.requireNonNull(tlsMode, "tlsMode");
  }

  /** HOST:PORT with the TLS mode SES uses on PORT ({@link TlsMode#forPort}). */
  public SmtpEndpoint(String host, int port) {
    this(host, port, TlsMode.forPort(port));
  }

  /** The same host and port reached with MODE. */
  public SmtpEndpoint withTlsMode(TlsMode mode) {
    return new SmtpEndpoint(host, port, mode);
  }

  /** The SES SMTP endpoint of REGION on port 587 (STARTTLS), as design.md section 3 names it. */
  public static SmtpEndpoint forRegion(String region) {
    return new SmtpEndpoint("email-smtp." + region + ".amazonaws.com", 587);
  }

  /**
   * Parses "host:port"; an IPv6 address goes in brackets ("[::1]:587"). Throws
   * IllegalArgumentException with the offending text otherwise.
   */
  public static SmtpEndpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.trim();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [address]:port, got '" + text + "'");
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || s.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected host:port, got '" + text + "'");
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    if (!port.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("expected a port number after ':', got '" + text + "'");
    }
    return new SmtpEndpoint(host, Integer.parseInt(port));
  }

  /** The AWS region when the host is an SES SMTP endpoint (email-smtp.REGION.amazonaws.com). */
  public Optional<String> region() {
    Matcher m = SES_HOST.matcher(host.toLowerCase(Locale.ROOT));
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
