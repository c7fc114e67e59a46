package dev.sesame.testing.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server on loopback standing in for an SES endpoint, and for the ways real endpoints go
 * wrong. By default it behaves like SES: STARTTLS required, AUTH PLAIN/LOGIN offered only after
 * TLS, 535 for a refused login. Which logins succeed is a {@code BiPredicate<username, password>}
 * asked on every AUTH, so a test can accept exactly the keys that are Active in an IAM stand-in,
 * or only after a propagation delay ({@link Logins}). AUTH PLAIN and LOGIN are decoded as strict
 * UTF-8, so a client must send the exact bytes of a non-ASCII password. Delivered messages are
 * recorded.
 */
public final class SesStandIn implements AutoCloseable {
  /** Loopback, but not 127.0.0.1 (an Exim on 127.0.0.1 refuses to relay to "itself"). */
  public static final String ADDRESS = "127.0.0.2";

  public record Delivery(String username, String from, List<String> recipients, String data) {}

  private final SMTPServer server;
  private final AtomicReference<BiPredicate<String, String>> accept;
  private final List<String> mechanisms;
  private final List<String> mechanismsUsed = new CopyOnWriteArrayList<>();
  private final AtomicInteger logins = new AtomicInteger();
  private final AtomicInteger refusedLogins = new AtomicInteger();
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  private SesStandIn(Builder b) throws Exception {
    this.accept = new AtomicReference<>(b.accept);
    this.mechanisms = b.mechanisms;
    SMTPServer.Builder s = SMTPServer.port(b.port)
        .bindAddress(InetAddress.getByName(ADDRESS))
        .hostName("ses-stand-in.test")
        .connectionTimeoutMs(10_000);
    if (b.authOffered) {
      s.authenticationHandlerFactory(new Utf8Auth());
      s.requireAuth(true);
    }
    if (b.implicitTls != null) {
      s.serverSocketFactory(b.implicitTls);
    } else if (b.startTls != null) {
      s.enableTLS(true).requireTLS(b.requireTls).startTlsSocketFactory(b.startTls, false);
      s.showAuthCapabilitiesBeforeSTARTTLS(b.authBeforeTls);
    } else {
      s.enableTLS(false);
    }
    s.messageHandlerFactory(ctx -> new MessageHandler() {
      String from;
      final List<String> recipients = new ArrayList<>();

      @Override
      public void from(String address) {
        from = address;
      }

      @Override
      public void recipient(String address) {
        recipients.add(address);
      }

      @Override
      public String data(InputStream in) throws IOException {
        String user = ctx.getAuthenticationHandler().map(h -> String.valueOf(h.getIdentity()))
            .orElse(null);
        deliveries.add(new Delivery(user, from, List.copyOf(recipients),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        return null;
      }

      @Override
      public void done() {}
    });
    this.server = s.build();
    server.start();
  }

  /** A server that behaves like SES, with CERT for STARTTLS, accepting what ACCEPT accepts. */
  public static Builder builder(SSLContext cert, BiPredicate<String, String> accept) {
    return new Builder(cert, accept);
  }

  /** A server that accepts exactly USERNAME and PASSWORD (compared as UTF-8 text), on any free port. */
  public static SesStandIn accepting(SSLContext cert, String username, String password) throws Exception {
    return builder(cert, only(username, password)).start();
  }

  private static BiPredicate<String, String> only(String username, String password) {
    return (user, pass) -> username.equals(user) && password.equals(pass);
  }

  public int port() {
    return server.getPortAllocated();
  }

  /** From now on only USERNAME/PASSWORD is accepted (a rotated credential). */
  public void accept(String username, String password) {
    accept.set(only(username, password));
  }

  /** The AUTH mechanism of each successful login, in order. */
  public List<String> mechanismsUsed() {
    return List.copyOf(mechanismsUsed);
  }

  /** Waits until COUNT messages have arrived or TIMEOUT passes; returns what arrived. */
  public List<Delivery> awaitDeliveries(int count, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (deliveries.size() < count && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    return deliveries();
  }

  /** Logins completed (username and password given), accepted or not. */
  public int logins() {
    return logins.get();
  }

  public int refusedLogins() {
    return refusedLogins.get();
  }

  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  @Override
  public void close() {
    server.stop();
  }

  public static final class Builder {
    private final BiPredicate<String, String> accept;
    private SSLContext startTls;
    private SSLContext implicitTls;
    private boolean requireTls = true;
    private boolean authBeforeTls;
    private boolean authOffered = true;
    private int port;
    private List<String> mechanisms = List.of("PLAIN", "LOGIN");

    private Builder(SSLContext cert, BiPredicate<String, String> accept) {
      this.startTls = Objects.requireNonNull(cert, "cert");
      this.accept = Objects.requireNonNull(accept, "accept");
    }

    /** Also advertise AUTH in the EHLO answer before STARTTLS (and accept it there). */
    public Builder authBeforeTls() {
      this.authBeforeTls = true;
      this.requireTls = false;
      return this;
    }

    /** No STARTTLS at all; AUTH, when offered, is offered in clear. */
    public Builder withoutStartTls() {
      this.startTls = null;
      return this;
    }

    /** No AUTH extension, in clear or after TLS. */
    public Builder withoutAuth() {
      this.authOffered = false;
      return this;
    }

    /** Listen on PORT instead of any free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Offer only MECHANISMS (e.g. just LOGIN), to prove a client's other authenticator. */
    public Builder mechanisms(String... mechanisms) {
      this.mechanisms = List.of(mechanisms);
      return this;
    }

    /** TLS from the first byte (as SES on 465/2465) instead of STARTTLS. */
    public Builder implicitTls() {
      this.implicitTls = startTls;
      return this;
    }

    public SesStandIn start() throws Exception {
      return new SesStandIn(this);
    }
  }

  private boolean check(String user, String pass) {
    logins.incrementAndGet();
    boolean ok = accept.get().test(user, pass);
    if (!ok) {
      refusedLogins.incrementAndGet();
    }
    return ok;
  }

  private static String utf8(String base64) throws RejectException {
    try {
      byte[] bytes = Base64.getDecoder().decode(base64.trim());
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new RejectException(501, "5.5.2 bad base64 or UTF-8");
    }
  }

  /**
   * PLAIN (RFC 4616) and LOGIN, decoded as strict UTF-8 whatever this JVM's default charset: the
   * bytes a client sends must match the expected text exactly.
   */
  private final class Utf8Auth implements AuthenticationHandlerFactory {
    @Override
    public List<String> getAuthenticationMechanisms() {
      return mechanisms;
    }

    @Override
    public AuthenticationHandler create() {
      return new AuthenticationHandler() {
        String mechanism;
        String user;
        String identity;

        @Override
        public Optional<String> auth(String line, MessageContext ctx) throws RejectException {
          if (mechanism == null) {
            String[] parts = line.trim().split(" ");
            mechanism = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
            if (!mechanisms.contains(mechanism)) {
              throw new RejectException(504, "5.5.4 unrecognized authentication type");
            }
            if (mechanism.equals("PLAIN")) {
              return parts.length > 2 ? plain(parts[2]) : Optional.of("334 ");
            }
            if (parts.length > 2) {
              user = utf8(parts[2]);
              return Optional.of("334 UGFzc3dvcmQ6");
            }
            return Optional.of("334 VXNlcm5hbWU6");
          }
          if (line.trim().equals("*")) {
            throw new RejectException(501, "5.7.0 authentication cancelled");
          }
          if (mechanism.equals("PLAIN")) {
            return plain(line);
          }
          if (user == null) {
            user = utf8(line);
            return Optional.of("334 UGFzc3dvcmQ6");
          }
          return finish(user, utf8(line));
        }

        private Optional<String> plain(String base64) throws RejectException {
          String[] parts = utf8(base64).split("\0", -1);
          if (parts.length != 3) {
            throw new RejectException(501, "5.5.2 malformed PLAIN response");
          }
          return finish(parts[1], parts[2]);
        }

        private Optional<String> finish(String username, String password) throws RejectException {
          if (!check(username, password)) {
            throw new RejectException(535, "5.7.8 Authentication credentials invalid");
          }
          identity = username;
          mechanismsUsed.add(mechanism);
          return Optional.empty();
        }

        @Override
        public Object getIdentity() {
          return identity;
        }
      };
    }
  }
}
