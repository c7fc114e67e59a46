package dev.sesame.testing.smtp;

import dev.sesame.ses.SmtpPassword;
import dev.sesame.testing.aws.IamState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The SES SMTP endpoint of one region as IAM makes it behave: a {@link SesStandIn} that accepts a
 * login exactly when the username is an access key that is Active in the IAM stand-in and the
 * password is that key's SMTP password derived for this region. Deactivating or deleting a key in
 * the {@link IamState} locks it out at the next AUTH. With {@link #honourPropagation} (the
 * default) a new key is refused until the IAM state's propagation delay has passed since its
 * creation, both on the IAM state's clock (a test that sets a {@code TestClock} there waits for no
 * propagation in real time). A successful login is recorded as the key's last use (service "ses"), as
 * GetAccessKeyLastUsed would then report it.
 */
public final class IamSesStandIn implements AutoCloseable {
  /** One AUTH attempt: which key id was offered, when, and whether it was accepted. */
  public record Login(String username, Instant at, boolean accepted) {}

  private final IamState iam;
  private final String region;
  private final List<Login> logins = new CopyOnWriteArrayList<>();
  private volatile boolean honourPropagation = true;
  private volatile Consumer<String> onLogin = user -> { };
  private final SesStandIn server;

  private IamSesStandIn(IamState iam, String region, SSLContext tls) throws Exception {
    this.iam = iam;
    this.region = region;
    this.server = SesStandIn.builder(tls, this::accepts).start();
  }

  /** Starts an endpoint for REGION on {@link SesStandIn#ADDRESS}, STARTTLS with TLS's certificate. */
  public static IamSesStandIn start(IamState iam, String region, SSLContext tls) throws Exception {
    return new IamSesStandIn(iam, region, tls);
  }

  /** Whether a new key is refused until IAM's propagation delay has passed (default true). */
  public IamSesStandIn honourPropagation(boolean honour) {
    this.honourPropagation = honour;
    return this;
  }

  /**
   * Called with the offered username before each AUTH is decided (on the server's thread, so a
   * hook may block the login to hold a client at that point).
   */
  public IamSesStandIn onLogin(Consumer<String> hook) {
    this.onLogin = hook;
    return this;
  }

  public int port() {
    return server.port();
  }

  /** "127.0.0.2:PORT", as SESAME_SMTP_ENDPOINT expects it. */
  public String endpoint() {
    return SesStandIn.ADDRESS + ":" + port();
  }

  public SesStandIn server() {
    return server;
  }

  public List<SesStandIn.Delivery> deliveries() {
    return server.deliveries();
  }

  public List<Login> logins() {
    return List.copyOf(logins);
  }

  /** Logins with USERNAME that were refused. */
  public long refusals(String username) {
    return logins.stream().filter(l -> l.username().equals(username) && !l.accepted()).count();
  }

  /** Logins with USERNAME that were accepted. */
  public long acceptances(String username) {
    return logins.stream().filter(l -> l.username().equals(username) && l.accepted()).count();
  }

  /** What an AUTH with USERNAME and PASSWORD would get right now. */
  public boolean accepts(String username, String password) {
    onLogin.accept(username);
    Instant now = iam.now();
    boolean accepted = check(username, password, now, true);
    logins.add(new Login(username, now, accepted));
    return accepted;
  }

  /** As {@link #accepts}, but leaves no trace: no login recorded, no last use in IAM. */
  public boolean wouldAccept(String username, String password) {
    return check(username, password, iam.now(), false);
  }

  private boolean check(String username, String password, Instant now, boolean record) {
    Optional<IamState.Key> key = iam.key(username);
    if (key.isEmpty() || !key.get().active()) {
      return false;
    }
    if (honourPropagation && !iam.isUsable(username, now)) {
      return false;
    }
    if (!SmtpPassword.derive(key.get().secret(), region).equals(password)) {
      return false;
    }
    if (!record) {
      return true;
    }
    try {
      iam.recordUse(username, "ses", region, now);
    } catch (IllegalArgumentException deletedMeanwhile) {
      return false;
    }
    return true;
  }

  @Override
  public void close() {
    server.close();
  }
}
