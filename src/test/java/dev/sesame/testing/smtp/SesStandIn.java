package dev.sesame.testing.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server on loopback standing in for an SES endpoint, and for the ways real endpoints go
 * wrong. By default it behaves like SES: STARTTLS required, AUTH PLAIN/LOGIN offered only after
 * TLS, 535 for a refused login. Which logins succeed is a {@code BiPredicate<username, password>}
 * asked on every AUTH, so a test can accept exactly the keys that are Active in an IAM stand-in,
 * or only after a propagation delay ({@link Logins}). Delivered messages are recorded.
 */
public final class SesStandIn implements AutoCloseable {
  /** Loopback, but not 127.0.0.1 (an Exim on 127.0.0.1 refuses to relay to "itself"). */
  public static final String ADDRESS = "127.0.0.2";

  public record Delivery(String username, String from, List<String> recipients, String data) {}

  private final SMTPServer server;
  private final AtomicInteger logins = new AtomicInteger();
  private final AtomicInteger refusedLogins = new AtomicInteger();
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  private SesStandIn(Builder b) throws Exception {
    BiPredicate<String, String> accept = b.accept;
    SMTPServer.Builder s = SMTPServer.port(0)
        .bindAddress(InetAddress.getByName(ADDRESS))
        .hostName("ses-stand-in.test")
        .connectionTimeoutMs(10_000);
    if (b.authOffered) {
      s.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
        logins.incrementAndGet();
        if (!accept.test(user, password)) {
          refusedLogins.incrementAndGet();
          throw new LoginFailedException();
        }
      }));
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

  public int port() {
    return server.getPortAllocated();
  }

  /** AUTH commands seen, accepted or not. */
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

    /** TLS from the first byte (as SES on 465/2465) instead of STARTTLS. */
    public Builder implicitTls() {
      this.implicitTls = startTls;
      return this;
    }

    public SesStandIn start() throws Exception {
      return new SesStandIn(this);
    }
  }
}
