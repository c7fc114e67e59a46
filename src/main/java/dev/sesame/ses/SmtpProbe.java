package dev.sesame.ses;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Proves an SMTP credential the way a mail server will use it: EHLO, STARTTLS (required) or
 * implicit TLS, AUTH, QUIT, through Jakarta Mail / Angus Mail. No message is sent. A refused login
 * is retried with bounded exponential backoff, because a new IAM key is refused with 535 for a
 * few seconds while it propagates (design.md section 4, step "test"). Failures come back as a
 * {@link ProbeFailure} whose {@link Diagnosis} says what to fix. Neither the username nor the
 * password appears in any message, result or log; Angus debug output stays off.
 */
public final class SmtpProbe {
  private static final int MAX_SERVER_TEXT = 200;

  private SmtpProbe() {}

  /** Told about each refused attempt that will be retried; never given a secret. */
  @FunctionalInterface
  public interface RetryListener {
    /**
     * ATTEMPT (from 1) failed with DIAGNOSIS after ELAPSED since the first; LEFT remains before
     * the deadline, and the next attempt starts after PAUSE.
     */
    void retrying(int attempt, Diagnosis diagnosis, Duration elapsed, Duration left, Duration pause);
  }

  public static ProbeResult prove(SmtpEndpoint endpoint, String username, String password,
      ProbeOptions options) throws ProbeFailure {
    return prove(endpoint, username, password, options, (attempt, diagnosis, elapsed, left, pause) -> { });
  }

  /** As above, telling RETRIES about every attempt that failed and will be tried again. */
  public static ProbeResult prove(SmtpEndpoint endpoint, String username, String password,
      ProbeOptions options, RetryListener retries) throws ProbeFailure {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(options, "options");
    Redactor redactor = new Redactor(username, password);
    Instant start = options.clock().instant();
    Instant deadline = start.plus(options.deadline());
    TlsMode mode = options.tlsMode() != null ? options.tlsMode() : endpoint.tlsMode();
    Set<Diagnosis> warnings = EnumSet.noneOf(Diagnosis.class);
    SSLContext ssl;
    try {
      ssl = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new ProbeFailure(Diagnosis.OTHER, endpoint, 0, Duration.ZERO, warnings,
          "the JVM has no default TLS context: " + e.getClass().getName(), null);
    }

    Duration backoff = options.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      Attempt current = new Attempt(endpoint, mode, ssl, options);
      try {
        current.run(username, password);
        warnings.addAll(current.warnings);
        return new ProbeResult(endpoint, attempt,
            Duration.between(start, options.clock().instant()),
            current.greeting.map(redactor::clean), current.tlsProtocol, current.cipherSuite,
            warnings);
      } catch (MessagingException | RuntimeException e) {
        warnings.addAll(current.warnings);
        Diagnosis diagnosis = current.forced != null ? current.forced : FailureClassifier.classify(e);
        Instant now = options.clock().instant();
        if (!diagnosis.retryable() || !now.isBefore(deadline)) {
          throw failure(diagnosis, endpoint, attempt, Duration.between(start, now), warnings, e,
              options, redactor);
        }
        Duration pause = jittered(backoff, options);
        Duration left = Duration.between(now, deadline);
        Duration wait = pause.compareTo(left) < 0 ? pause : left;
        retries.retrying(attempt, diagnosis, Duration.between(start, now), left, wait);
        try {
          options.sleeper().sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw failure(diagnosis, endpoint, attempt,
              Duration.between(start, options.clock().instant()), warnings, e, options, redactor);
        }
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(options.maxBackoff()) < 0 ? doubled : options.maxBackoff();
      }
    }
  }

  /** A pause in [backoff/2, backoff]: "equal jitter", so retries spread but always wait. */
  static Duration jittered(Duration backoff, ProbeOptions options) {
    double j = Math.min(Math.max(options.jitter().getAsDouble(), 0.0), 1.0);
    long half = backoff.toNanos() / 2;
    return Duration.ofNanos(half + (long) (half * j));
  }

  private static ProbeFailure failure(Diagnosis diagnosis, SmtpEndpoint endpoint, int attempts,
      Duration elapsed, Set<Diagnosis> warnings, Exception cause, ProbeOptions options,
      Redactor redactor) {
    StringBuilder m = new StringBuilder(diagnosis.advice(endpoint));
    switch (diagnosis) {
      case CONNECT_FAILED -> m.append(" (").append(connectReason(cause, options)).append(')');
      case TIMEOUT -> m.append(" (no answer within ").append(seconds(options.readTimeout()))
          .append(')');
      case OTHER -> m.append(" (").append(typeNames(cause))
          .append("; rerun with --debug for the details)");
      default -> serverReply(cause).ifPresent(
          reply -> m.append(" [server: ").append(redactor.clean(reply)).append(']'));
    }
    if (attempts > 1) {
      m.append("; still failing after ").append(attempts).append(" attempts over ")
          .append(seconds(elapsed));
      if (diagnosis == Diagnosis.AUTH_REJECTED) {
        m.append(" (a new IAM key is refused while it propagates, usually for seconds: a longer"
            + " --smtp-deadline helps only then)");
      }
    }
    String message = redactor.clean(m.toString().replace('\r', ' ').replace('\n', ' '));
    Throwable keptCause = redactor.mentionsSecret(cause) ? null : cause;
    return new ProbeFailure(diagnosis, endpoint, attempts, elapsed, warnings, message, keptCause);
  }

  /** The first line of the server reply a failure carries, if it carries one. */
  private static Optional<String> serverReply(Throwable failure) {
    for (Throwable t : FailureClassifier.chain(failure)) {
      if (FailureClassifier.replyCode(t) != null && t.getMessage() != null) {
        String line = t.getMessage().strip().lines().findFirst().orElse("");
        return Optional.of(line.length() > MAX_SERVER_TEXT
            ? line.substring(0, MAX_SERVER_TEXT) + "..." : line);
      }
    }
    return Optional.empty();
  }

  private static String connectReason(Throwable failure, ProbeOptions options) {
    for (Throwable t : FailureClassifier.chain(failure)) {
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof SocketTimeoutException) {
        return "no answer to the connection within " + seconds(options.connectTimeout());
      }
    }
    return typeNames(failure);
  }

  private static String typeNames(Throwable failure) {
    return FailureClassifier.chain(failure).stream().map(t -> t.getClass().getName())
        .collect(Collectors.joining(" <- "));
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.1f s", ms / 1000.0);
  }

  /** One connection: connect, TLS, AUTH, QUIT. Records what it saw even when it fails. */
  private static final class Attempt {
    private final SmtpEndpoint endpoint;
    private final TlsMode mode;
    private final ProbeOptions options;
    private final RecordingSocketFactory sockets;
    final Set<Diagnosis> warnings = EnumSet.noneOf(Diagnosis.class);
    Optional<String> greeting = Optional.empty();
    Optional<String> tlsProtocol = Optional.empty();
    Optional<String> cipherSuite = Optional.empty();
    Diagnosis forced;

    Attempt(SmtpEndpoint endpoint, TlsMode mode, SSLContext ssl, ProbeOptions options) {
      this.endpoint = endpoint;
      this.mode = mode;
      this.options = options;
      this.sockets = new RecordingSocketFactory(ssl.getSocketFactory());
    }

    void run(String username, String password) throws MessagingException {
      Session session = Session.getInstance(properties());
      session.setDebug(false);
      ProbeTransport transport = new ProbeTransport(session,
          new URLName("smtp", endpoint.host(), endpoint.port(), null, null, null));
      try {
        transport.connect(endpoint.host(), endpoint.port(), username, password);
        if (!transport.authenticated()) {
          // Angus connects without logging in when the server offers no AUTH at all.
          forced = Diagnosis.AUTH_NOT_OFFERED;
          throw new MessagingException("the server offers no AUTH after TLS");
        }
        SSLSocket tls = sockets.last;
        if (tls != null) {
          SSLSession s = tls.getSession();
          tlsProtocol = Optional.ofNullable(s.getProtocol());
          cipherSuite = Optional.ofNullable(s.getCipherSuite());
        }
      } finally {
        greeting = Optional.ofNullable(transport.greeting).map(String::strip);
        if (transport.authBeforeTls) {
          warnings.add(Diagnosis.AUTH_BEFORE_TLS);
        }
        try {
          transport.close(); // QUIT
        } catch (MessagingException | RuntimeException ignored) {
          // The login is proved or has failed already; a failing QUIT changes neither.
        }
      }
    }

    private Properties properties() {
      Properties p = new Properties();
      p.put("mail.debug", "false");
      p.put("mail.debug.auth", "false");
      p.put("mail.debug.auth.username", "false");
      p.put("mail.debug.auth.password", "false");
      p.put("mail.smtp.connectiontimeout", Long.toString(options.connectTimeout().toMillis()));
      p.put("mail.smtp.timeout", Long.toString(options.readTimeout().toMillis()));
      p.put("mail.smtp.auth", "true");
      // SES speaks PLAIN and LOGIN; never fall back to anything weaker or stranger.
      p.put("mail.smtp.auth.mechanisms", "PLAIN LOGIN");
      p.put("mail.smtp.ssl.checkserveridentity", "true");
      p.put("mail.smtp.ssl.socketFactory", sockets);
      if (mode == TlsMode.IMPLICIT) {
        p.put("mail.smtp.ssl.enable", "true");
      } else {
        p.put("mail.smtp.ssl.enable", "false");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      }
      return p;
    }
  }

  /** Angus' SMTP transport, noting the greeting and whether AUTH was offered before TLS. */
  private static final class ProbeTransport extends SMTPTransport {
    String greeting;
    boolean authBeforeTls;
    private boolean loggedIn;

    ProbeTransport(Session session, URLName url) {
      super(session, url);
    }

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
      if (greeting == null) {
        greeting = getLastServerResponse(); // before the first EHLO: the 220 greeting
      }
      boolean ok = super.ehlo(domain);
      if (ok && !isSSL() && (supportsExtension("AUTH") || supportsExtension("AUTH=LOGIN"))) {
        authBeforeTls = true;
      }
      return ok;
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user,
        String password) throws MessagingException {
      boolean connected = super.protocolConnect(host, port, user, password);
      // Angus logs in whenever AUTH is offered and otherwise returns connected without a login.
      loggedIn = connected && (supportsExtension("AUTH") || supportsExtension("AUTH=LOGIN"));
      return connected;
    }

    boolean authenticated() {
      return loggedIn;
    }
  }

  /** Creates TLS sockets from the probe's SSLContext and remembers the last one. */
  private static final class RecordingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    volatile SSLSocket last;

    RecordingSocketFactory(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    private Socket record(Socket s) {
      if (s instanceof SSLSocket tls) {
        last = tls;
      }
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return record(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return record(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return record(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return record(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return record(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return record(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /** Removes the credential, and the base64 forms AUTH PLAIN/LOGIN send it in, from text. */
  static final class Redactor {
    private final List<String> secrets = new ArrayList<>();

    Redactor(String username, String password) {
      Base64.Encoder b64 = Base64.getEncoder();
      for (String s : List.of(password, username,
          b64.encodeToString(password.getBytes(StandardCharsets.UTF_8)),
          b64.encodeToString(username.getBytes(StandardCharsets.UTF_8)),
          b64.encodeToString(("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8)))) {
        if (s.length() >= 4) {
          secrets.add(s);
        }
      }
      secrets.sort((a, b) -> b.length() - a.length());
    }

    String clean(String text) {
      String out = text;
      for (String s : secrets) {
        out = out.replace(s, "[REDACTED]");
      }
      return out;
    }

    boolean mentionsSecret(Throwable failure) {
      for (Throwable t : FailureClassifier.chain(failure)) {
        String text = t.toString();
        if (!clean(text).equals(text)) {
          return true;
        }
      }
      return false;
    }
  }
}
