package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;
import static dev.sesame.doctor.Status.WARN;

import dev.sesame.ses.SmtpEndpoint;
import dev.sesame.ses.TlsMode;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * smtp.starttls, smtp.auth, smtp.cert, smtp.tls, smtp.dhe against the entry's endpoint (or
 * --smtp), without any credential: STARTTLS offered; AUTH neither advertised nor accepted before
 * TLS; the certificate chain trusted and valid for the host name; TLS 1.2 or later, with 1.0/1.1
 * refused; no DHE group under 2048 bits accepted (OpenSSL clients at Debian's default security
 * level refuse it with "dh key too small", JDK clients below 1024 bits).
 */
public final class SmtpChecks implements Check {
  static final String STARTTLS = "smtp.starttls";
  static final String AUTH = "smtp.auth";
  static final String CERT = "smtp.cert";
  static final String TLS = "smtp.tls";
  static final String DHE = "smtp.dhe";
  static final int MIN_DH_BITS = 2048;

  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(STARTTLS, EnumSet.of(PASS, FAIL, SKIP), AUTH, EnumSet.of(PASS, WARN, FAIL, SKIP),
        CERT, EnumSet.of(PASS, WARN, FAIL, SKIP), TLS, EnumSet.of(PASS, WARN, FAIL, SKIP),
        DHE, EnumSet.of(PASS, FAIL, SKIP));
  }

  /** What one conversation showed. */
  private static final class Observed {
    boolean implicit;
    boolean startTlsOffered;
    String startTlsRefusal;
    boolean authInClear;
    boolean authAcceptedInClear;
    boolean authAfterTls;
    String authMechanisms = "";
    String handshakeError;
    String protocol;
    String suite;
    X509Certificate[] chain;
    String authType;
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    Optional<SmtpEndpoint> target = context.smtp();
    if (target.isEmpty()) {
      List<Finding> out = new ArrayList<>();
      for (String id : List.of(STARTTLS, AUTH, CERT, TLS, DHE)) {
        out.add(Finding.skip(id, "SMTP endpoint", "no endpoint: " + context.vaultProblem(),
            "name an entry of an unlocked vault or of the store (--store), or pass --smtp HOST:PORT"));
      }
      return out;
    }
    SmtpEndpoint endpoint = target.get();
    String subject = "SMTP " + endpoint;
    List<Finding> out = new ArrayList<>();
    Observed seen = new Observed();
    seen.implicit = endpoint.tlsMode() == TlsMode.IMPLICIT;
    try {
      converse(endpoint, context.smtpTimeout(), seen);
    } catch (IOException e) {
      String why = "cannot talk to it: " + e.getMessage();
      out.add(Finding.fail(STARTTLS, subject, why, "check the host and port (SES: email-smtp.REGION.amazonaws.com:587)"));
      for (String id : List.of(AUTH, CERT, TLS, DHE)) {
        out.add(Finding.skip(id, subject, why, "make the endpoint reachable first"));
      }
      return out;
    }
    startTlsAndAuth(subject, seen, out);
    boolean tls = seen.implicit || (seen.startTlsOffered && seen.startTlsRefusal == null);
    if (!tls) {
      for (String id : List.of(CERT, TLS, DHE)) {
        out.add(Finding.skip(id, subject, "no TLS to look at", "enable STARTTLS on the server first"));
      }
      return out;
    }
    cert(context, endpoint, subject, seen, out);
    tlsVersion(context, endpoint, subject, seen, out);
    dhe(context, endpoint, subject, out);
    return out;
  }

  private static void startTlsAndAuth(String subject, Observed seen, List<Finding> out) {
    if (seen.implicit) {
      out.add(Finding.pass(STARTTLS, subject, "implicit TLS from the first byte (no STARTTLS needed)"));
    } else if (!seen.startTlsOffered) {
      out.add(Finding.fail(STARTTLS, subject, "STARTTLS is not offered: everything, the password included, crosses in clear",
          "enable STARTTLS on the server (Exim: tls_advertise_hosts = * with a certificate), or use SES's own endpoint"));
    } else if (seen.startTlsRefusal != null) {
      out.add(Finding.fail(STARTTLS, subject, "STARTTLS offered but refused: " + seen.startTlsRefusal,
          "fix the server's TLS configuration (certificate and key readable by the daemon)"));
    } else {
      out.add(Finding.pass(STARTTLS, subject, "STARTTLS offered and works"));
    }
    if (seen.authInClear) {
      out.add(Finding.fail(AUTH, subject, "AUTH is advertised before STARTTLS: clients may send the password in clear",
          "advertise AUTH only after TLS (Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}})"));
    } else if (seen.authAcceptedInClear) {
      out.add(Finding.fail(AUTH, subject, "AUTH LOGIN is accepted before STARTTLS (334), though not advertised",
          "refuse AUTH until TLS is up (Exim: server_advertise_condition = ${if def:tls_in_cipher})"));
    } else if (!seen.implicit && !seen.startTlsOffered) {
      out.add(Finding.pass(AUTH, subject, "no AUTH in clear (nor any TLS to offer it in)"));
    } else if (seen.handshakeError != null) {
      out.add(Finding.skip(AUTH, subject, "AUTH refused in clear; after TLS unknown (handshake failed)",
          "fix the TLS handshake (see smtp.tls)"));
    } else if (!seen.authAfterTls) {
      out.add(Finding.warn(AUTH, subject, "no AUTH offered even after TLS: an SMTP credential cannot be used here",
          "enable AUTH after TLS on the server, or point the entry at the SES endpoint"));
    } else {
      out.add(Finding.pass(AUTH, subject, "AUTH only after TLS (" + seen.authMechanisms + ")"));
    }
  }

  private static void cert(DoctorContext context, SmtpEndpoint endpoint, String subject, Observed seen, List<Finding> out) {
    if (seen.chain == null || seen.chain.length == 0) {
      out.add(Finding.skip(CERT, subject, "no certificate seen: " + seen.handshakeError, "fix the TLS handshake (see smtp.tls)"));
      return;
    }
    X509Certificate leaf = seen.chain[0];
    String caFix = "install a certificate from a CA that clients trust (or trust the private CA: SESAME_SMTP_CA_FILE=ca.pem)";
    try {
      X509TrustManager trust = ServerTrust.trustManager(context.caFile());
      trust.checkServerTrusted(seen.chain, seen.authType == null ? "UNKNOWN" : seen.authType);
    } catch (CertificateException e) {
      out.add(Finding.fail(CERT, subject, "chain not trusted (issuer " + leaf.getIssuerX500Principal().getName()
          + "): " + firstLine(e.getMessage()), caFix));
      return;
    } catch (IOException | GeneralSecurityException e) {
      out.add(Finding.skip(CERT, subject, "cannot load the trust store: " + e.getMessage(), "check SESAME_SMTP_CA_FILE"));
      return;
    }
    if (!ServerTrust.matchesHost(leaf, endpoint.host())) {
      out.add(Finding.fail(CERT, subject, "certificate is for " + ServerTrust.names(leaf) + ", not " + endpoint.host(),
          "connect by a name the certificate holds, or reissue it with subjectAltName " + endpoint.host()));
      return;
    }
    Instant now = context.clock().instant();
    Duration left = Duration.between(now, leaf.getNotAfter().toInstant());
    if (left.compareTo(context.certWarning()) < 0) {
      out.add(Finding.warn(CERT, subject, "trusted, valid for " + endpoint.host() + ", but expires "
              + leaf.getNotAfter().toInstant() + " (in " + left.toHours() + "h)",
          "renew the certificate (certbot renew, or your CA's process) before it expires"));
      return;
    }
    out.add(Finding.pass(CERT, subject, "trusted chain, valid for " + endpoint.host() + " until " + leaf.getNotAfter().toInstant()));
  }

  private static void tlsVersion(DoctorContext context, SmtpEndpoint endpoint, String subject, Observed seen,
      List<Finding> out) {
    Optional<TlsHello.ServerAnswer> legacy;
    String legacyError = "";
    try {
      legacy = Optional.of(probe(endpoint, context.smtpTimeout(), TlsHello.TLS_1_1, TlsHello.LEGACY_SUITES));
    } catch (TlsHello.Refused refused) {
      legacy = Optional.empty();
    } catch (IOException e) {
      legacy = Optional.empty();
      legacyError = " (legacy probe: " + e.getMessage() + ")";
    }
    boolean acceptsLegacy = legacy.isPresent() && legacy.get().version() <= TlsHello.TLS_1_1;
    if (seen.handshakeError != null) {
      out.add(Finding.fail(TLS, subject, (acceptsLegacy ? "speaks only " + TlsHello.versionName(legacy.get().version())
              + " or older: " : "TLS handshake failed: ") + seen.handshakeError,
          "enable TLS 1.2 and 1.3 on the server (Exim/GnuTLS: tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1)"));
    } else if (acceptsLegacy) {
      out.add(Finding.warn(TLS, subject, seen.protocol + " negotiated, but " + TlsHello.versionName(legacy.get().version())
              + " is accepted too",
          "disable TLS 1.0 and 1.1 (Exim/GnuTLS: tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1;"
              + " OpenSSL: openssl_options = +no_tlsv1 +no_tlsv1_1)"));
    } else {
      out.add(Finding.pass(TLS, subject, seen.protocol + " (" + seen.suite + "); TLS 1.0/1.1 refused" + legacyError));
    }
  }

  private static void dhe(DoctorContext context, SmtpEndpoint endpoint, String subject, List<Finding> out) {
    try {
      TlsHello.ServerAnswer answer = probe(endpoint, context.smtpTimeout(), TlsHello.TLS_1_2, TlsHello.DHE_SUITES);
      int bits = answer.dhPrimeBits().orElse(0);
      if (bits < MIN_DH_BITS) {
        out.add(Finding.fail(DHE, subject, "accepts DHE with a " + bits + "-bit group: clients fail with \"dh key too small\""
                + (bits < 1024 ? " (JDK too)" : " (OpenSSL at security level 2)"),
            "use a 2048-bit or larger group (Exim: tls_dhparam = ffdhe2048 or ffdhe3072), or offer ECDHE suites only"));
      } else {
        out.add(Finding.pass(DHE, subject, "DHE group of " + bits + " bits"));
      }
    } catch (TlsHello.Refused refused) {
      out.add(Finding.pass(DHE, subject, "no DHE suite accepted (ECDHE or TLS 1.3 only)"));
    } catch (IOException e) {
      out.add(Finding.skip(DHE, subject, "DHE probe failed: " + e.getMessage(), "rerun when the server answers"));
    }
  }

  /** A fresh conversation up to the TLS start, then a hand-written ClientHello. */
  private static TlsHello.ServerAnswer probe(SmtpEndpoint endpoint, Duration timeout, int version, int[] suites)
      throws IOException {
    try (SmtpSession s = SmtpSession.connect(endpoint.host(), endpoint.port(), timeout)) {
      if (endpoint.tlsMode() != TlsMode.IMPLICIT) {
        s.read();
        s.ehlo();
        SmtpSession.Reply go = s.command("STARTTLS");
        if (go.code() != 220) {
          throw new IOException("STARTTLS refused: " + go.text());
        }
      }
      return TlsHello.probe(s.socket, endpoint.host(), version, suites);
    }
  }

  private static void converse(SmtpEndpoint endpoint, Duration timeout, Observed seen) throws IOException {
    try (SmtpSession s = SmtpSession.connect(endpoint.host(), endpoint.port(), timeout)) {
      if (!seen.implicit) {
        SmtpSession.Reply greeting = s.read();
        if (greeting.code() != 220) {
          throw new IOException("greeting " + greeting.text());
        }
        SmtpSession.Reply ehlo = s.ehlo();
        seen.authInClear = ehlo.offers("AUTH");
        seen.startTlsOffered = ehlo.offers("STARTTLS");
        if (!seen.authInClear) {
          // Not advertised, but would it be accepted? Ask for LOGIN and cancel at once (RFC 4954 section 4: "*").
          SmtpSession.Reply auth = s.command("AUTH LOGIN");
          if (auth.code() == 334) {
            seen.authAcceptedInClear = true;
            s.command("*");
          }
        }
        if (!seen.startTlsOffered) {
          s.command("QUIT");
          return;
        }
        SmtpSession.Reply go = s.command("STARTTLS");
        if (go.code() != 220) {
          seen.startTlsRefusal = go.text();
          return;
        }
      }
      Capture capture = new Capture();
      SSLSocket secure;
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {capture}, null);
        Socket plain = s.socket;
        secure = (SSLSocket) ctx.getSocketFactory().createSocket(plain, endpoint.host(), endpoint.port(), true);
        secure.setUseClientMode(true);
        secure.startHandshake();
      } catch (SSLException e) {
        seen.handshakeError = firstLine(e.getMessage());
        seen.chain = capture.chain;
        return;
      } catch (GeneralSecurityException e) {
        throw new IOException("no TLS in this JVM: " + e.getMessage(), e);
      }
      SSLSession session = secure.getSession();
      seen.protocol = session.getProtocol();
      seen.suite = session.getCipherSuite();
      seen.chain = capture.chain;
      seen.authType = capture.authType;
      s.switchTo(secure);
      if (seen.implicit) {
        s.read();
      }
      SmtpSession.Reply ehlo = s.ehlo();
      seen.authAfterTls = ehlo.offers("AUTH");
      seen.authMechanisms = ehlo.capabilities().stream().filter(c -> c.startsWith("AUTH")).findFirst().orElse("");
      s.command("QUIT");
    }
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.split("\\R", 2)[0];
  }

  /** Accepts any chain so the handshake completes, and keeps it for {@link #cert} to judge. */
  private static final class Capture extends X509ExtendedTrustManager {
    X509Certificate[] chain;
    String authType;

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      this.chain = chain.clone();
      this.authType = authType;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("client side not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client side not used");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
