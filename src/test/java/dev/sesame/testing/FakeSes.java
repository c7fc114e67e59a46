package dev.sesame.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server on {@link #ADDRESS} standing in for the SES endpoint: STARTTLS required before anything
 * else, AUTH PLAIN/LOGIN offered only after TLS, exactly one username/password accepted (compared
 * as UTF-8 text), every delivered message recorded.
 */
public final class FakeSes implements AutoCloseable {
  /**
   * Loopback, but not 127.0.0.1: an Exim daemon listening on 127.0.0.1 treats that address as
   * itself and refuses to relay to it ("remote host address is the local host").
   */
  public static final String ADDRESS = "127.0.0.2";

  /** A delivered message with the identity that authenticated for it. */
  public record Delivery(String username, List<String> recipients, String data) {}

  private final SMTPServer server;
  private final AtomicReference<String[]> credential;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final List<String> failedLogins = new CopyOnWriteArrayList<>();
  private final List<String> mechanisms;
  private final List<String> mechanismsUsed = new CopyOnWriteArrayList<>();

  private FakeSes(TestCertificate cert, String username, String password, List<String> mechanisms, int port,
      boolean implicitTls) throws Exception {
    this.credential = new AtomicReference<>(new String[] {username, password});
    this.mechanisms = List.copyOf(mechanisms);
    SMTPServer.Builder builder = SMTPServer.port(port)
        .bindAddress(InetAddress.getByName(ADDRESS))
        .hostName("fake-ses.test")
        .requireAuth();
    if (implicitTls) {
      // TLS from the first byte: a client that starts in clear (STARTTLS) fails at its EHLO.
      builder.serverSocketFactory(cert.serverContext());
    } else {
      builder.enableTLS().requireTLS().startTlsSocketFactory(cert.serverContext(), false);
    }
    this.server = builder
        .authenticationHandlerFactory(new Auth())
        .messageHandlerFactory(ctx -> new org.subethamail.smtp.MessageHandler() {
          final List<String> rcpts = new ArrayList<>();

          @Override
          public void from(String from) {}

          @Override
          public void recipient(String recipient) {
            rcpts.add(recipient);
          }

          @Override
          public String data(InputStream in) throws IOException {
            String user = ctx.getAuthenticationHandler().map(h -> (String) h.getIdentity())
                .orElse(null);
            deliveries.add(new Delivery(user, List.copyOf(rcpts),
                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            return null;
          }

          @Override
          public void done() {}
        })
        .build();
    server.start();
  }

  public static FakeSes start(TestCertificate cert, String username, String password)
      throws Exception {
    return new FakeSes(cert, username, password, List.of("PLAIN", "LOGIN"), 0, false);
  }

  /** A server offering only MECHANISMS (e.g. just LOGIN), to prove a client's other authenticator. */
  public static FakeSes offering(List<String> mechanisms, TestCertificate cert, String username,
      String password) throws Exception {
    return new FakeSes(cert, username, password, mechanisms, 0, false);
  }

  /** A relay on PORT (0: any free one) speaking STARTTLS, or TLS from the first byte when IMPLICIT_TLS. */
  public static FakeSes start(TestCertificate cert, String username, String password, int port,
      boolean implicitTls) throws Exception {
    return new FakeSes(cert, username, password, List.of("PLAIN", "LOGIN"), port, implicitTls);
  }

  /** The AUTH mechanism of each successful login, in order. */
  public List<String> mechanismsUsed() {
    return List.copyOf(mechanismsUsed);
  }

  public int port() {
    return server.getPortAllocated();
  }

  /** From now on only USERNAME/PASSWORD is accepted (a rotated credential). */
  public void accept(String username, String password) {
    credential.set(new String[] {username, password});
  }

  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  public int failedLogins() {
    return failedLogins.size();
  }

  /** Waits until COUNT messages have arrived or TIMEOUT passes; returns what arrived. */
  public List<Delivery> awaitDeliveries(int count, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (deliveries.size() < count && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    return deliveries();
  }

  @Override
  public void close() {
    server.stop();
  }

  private boolean check(String user, String pass) {
    String[] want = credential.get();
    boolean ok = want[0].equals(user) && want[1].equals(pass);
    if (!ok) {
      failedLogins.add(user);
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

  /** PLAIN (RFC 4616) and LOGIN, decoded as UTF-8: the bytes a client sends must match exactly. */
  private final class Auth implements AuthenticationHandlerFactory {
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
            mechanism = parts[1].toUpperCase();
            if (!mechanisms.contains(mechanism)) {
              throw new RejectException(504, "5.5.4 unrecognized authentication type");
            }
            if (mechanism.equals("PLAIN")) {
              return parts.length > 2 ? plain(parts[2]) : Optional.of("334 ");
            }
            if (mechanism.equals("LOGIN")) {
              if (parts.length > 2) {
                user = utf8(parts[2]);
                return Optional.of("334 UGFzc3dvcmQ6");
              }
              return Optional.of("334 VXNlcm5hbWU6");
            }
            throw new RejectException(504, "5.5.4 unrecognized authentication type");
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

        private Optional<String> finish(String u, String p) throws RejectException {
          if (!check(u, p)) {
            throw new RejectException(535, "5.7.8 Authentication credentials invalid");
          }
          identity = u;
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
