package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.DebianStockExim;
import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.TestCertificate;
import dev.sesame.testing.TrickyPasswords;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A running Exim daemon with Debian's own client authenticators (the exim4-config package's
 * conf.d/auth/30_exim4-config_examples, included read-only) and the rendered passwd.client relays
 * to a stand-in SES that accepts exactly one credential: every hard character, a rotation picked
 * up by the next delivery with the same pid, a wrong password refused. The whole stock
 * configuration is proven in EximDebianStockConfigTest; this one keeps a daemon running across
 * renders.
 */
@Tag("mail-stack")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EximDebianEndToEndTest {
  private static final Path TEMPLATES = Path.of("templates/debian-exim4").toAbsolutePath();
  private static final String USER = "AKIAEXAMPLEDEBIAN";
  private static Path dir;
  private static SesStandIn ses;
  private static EximDaemon exim;
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @BeforeAll
  static void start() throws Exception {
    MailStack.require("exim");
    MailStack.require("swaks");
    dir = EximDaemon.workDir("sesame-exim-debian");
    TestCertificate cert = TestCertificate.create(dir);
    ses = SesStandIn.accepting(cert.serverContext(), USER, TrickyPasswords.ALL);
    renderPasswdClient(TrickyPasswords.ALL);
    Path conf = dir.resolve("exim.conf");
    // Debian's stock client authenticators (included below) read CONFDIR/passwd.client. Outside
    // the text block: its "DIR" placeholder would also hit the macro's own name.
    Files.writeString(conf, "CONFDIR = " + dir + "\n" + """
        primary_hostname = sesame-test.invalid
        spool_directory = DIR/spool
        log_file_path = DIR/log/%slog
        acl_smtp_rcpt = acl_rcpt
        tls_advertise_hosts =
        begin acl
        acl_rcpt:
          accept hosts = : 127.0.0.1
          deny
        begin routers
        smarthost:
          driver = manualroute
          transport = smarthost_smtp
          route_list = * SES_ADDRESS
          no_more
        begin transports
        smarthost_smtp:
          driver = smtp
          port = PORT
          hosts_require_tls = *
          hosts_require_auth = *
          tls_verify_hosts = *
          tls_verify_certificates = DIR/server.pem
        begin retry
        * * F,1h,1m
        begin authenticators
        .include DEBIAN_AUTH
        """.replace("DEBIAN_AUTH", DebianStockExim.STOCK_CLIENT_AUTHENTICATORS.toString())
            .replace("DIR", dir.toString()).replace("PORT", Integer.toString(ses.port()))
            .replace("SES_ADDRESS", SesStandIn.ADDRESS));
    exim = EximDaemon.start(dir, conf);
  }

  @AfterAll
  static void stop() throws Exception {
    if (exim != null) {
      exim.close();
    }
    if (ses != null) {
      ses.close();
    }
    EximDaemon.deleteTree(dir);
  }

  private static MapFieldSource fields(String password) {
    return MapFieldSource.ses("ses", SesStandIn.ADDRESS, 587, USER, password);
  }

  /** passwd.client as Debian ships it: 0640 root:Debian-exim, kept so by every render. */
  private static void renderPasswdClient(String password) throws Exception {
    Target t = Target.of("ses", TEMPLATES.resolve("passwd.client"), dir.resolve("passwd.client"),
        Format.EXIM_PASSWD).withMode(0640).withOwnership("root", EximDaemon.EXIM_USER);
    new Renderer().apply(List.of(t), fields(password), false, QUIET);
  }

  private SesStandIn.Delivery sendAndAwait(String subject) throws Exception {
    int before = ses.deliveries().size();
    assertThat(exim.send("rcpt@example.com", subject)).isZero();
    List<SesStandIn.Delivery> got = ses.awaitDeliveries(before + 1, Duration.ofSeconds(20));
    assertThat(got).as("delivered; exim main log:\n%s", exim.log("main")).hasSize(before + 1);
    return got.get(before);
  }

  @Test
  @Order(1)
  void relaysWithAPasswordFullOfSpecialCharacters() throws Exception {
    SesStandIn.Delivery d = sendAndAwait("tricky");
    assertThat(d.username()).isEqualTo(USER);
    assertThat(d.data()).contains("Subject: tricky");
    PosixFileAttributes a = Files.readAttributes(dir.resolve("passwd.client"),
        PosixFileAttributes.class);
    assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-r-----");
    assertThat(a.group().getName()).isEqualTo(EximDaemon.EXIM_USER);
  }

  @Test
  @Order(2)
  void everyHardCharacterSurvivesOnItsOwn() throws Exception {
    for (String pw : TrickyPasswords.EACH) {
      ses.accept(USER, pw);
      renderPasswdClient(pw);
      SesStandIn.Delivery d = sendAndAwait("each");
      assertThat(d.username()).isEqualTo(USER);
    }
  }

  @Test
  @Order(3)
  void rotatedPasswdClientIsUsedByTheNextDeliveryWithoutRestart() throws Exception {
    long pid = exim.pid();
    String rotated = "rotated/" + TrickyPasswords.ALL;
    renderPasswdClient(rotated);
    ses.accept(USER, rotated);
    assertThat(sendAndAwait("after rotation").username()).isEqualTo(USER);
    assertThat(exim.pid()).isEqualTo(pid);
    assertThat(exim.isAlive()).isTrue();
  }

  @Test
  @Order(4)
  void wrongPasswordIsRejectedSoTheTestCanFail() throws Exception {
    ses.accept(USER, "the-right-one");
    renderPasswdClient("a-wrong-one");
    int failedBefore = ses.refusedLogins();
    int before = ses.deliveries().size();
    long deferredBefore = deferrals();
    assertThat(exim.send("rcpt@example.com", "wrong")).isZero();
    // Exim logs the deferral ("==") once its delivery attempt is over: after it, no delivery can come.
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while ((ses.refusedLogins() == failedBefore || deferrals() == deferredBefore) && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(ses.refusedLogins()).isGreaterThan(failedBefore);
    assertThat(deferrals()).as("exim main log:\n%s", exim.log("main")).isGreaterThan(deferredBefore);
    assertThat(ses.deliveries()).hasSize(before);
  }

  /** Deferred deliveries in Exim's main log (its " == " lines). */
  private static long deferrals() throws Exception {
    return exim.log("main").lines().filter(line -> line.contains(" == ")).count();
  }
}
