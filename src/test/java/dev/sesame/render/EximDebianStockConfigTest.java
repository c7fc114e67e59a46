package dev.sesame.render;

import dev.sesame.testing.CommandRun;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * templates/debian-exim4 on Debian's own configuration: the exim4-config package's /etc/exim4
 * (checked unmodified against dpkg's md5sums) copied to a private folder, set up as the template
 * headers say (passwd.client only; the stock PLAIN and LOGIN client authenticators do the rest),
 * in both the split and the single-file layout, built with `update-exim4.conf -d DIR -o OUT`,
 * checked with `exim4 -bV -C OUT`, and one message delivered through the stock smarthost router
 * and remote_smtp_smarthost transport to a STARTTLS + AUTH server with a password holding
 * `: / + = ^` and the rest of TrickyPasswords.ALL.
 */
@Tag("mail-stack")
class EximDebianStockConfigTest {
  private static final Path TEMPLATES = Path.of("templates/debian-exim4").toAbsolutePath();
  private static final String USER = "AKIAEXAMPLESTOCK";
  private static final String PASSWORD = TrickyPasswords.ALL;
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  private Path dir;
  private SesStandIn ses;

  @AfterEach
  void stop() throws Exception {
    if (ses != null) {
      ses.close();
    }
    EximDaemon.deleteTree(dir);
  }

  @ParameterizedTest(name = "split config = {0}")
  @ValueSource(booleans = {true, false})
  void stockConfigRelaysThroughTheSmarthostWithPlain(boolean split) throws Exception {
    assertThat(PASSWORD).contains(":", "/", "+", "=", "^");
    TestCertificate cert = start();
    ses = SesStandIn.accepting(cert.serverContext(), USER, PASSWORD);
    DebianStockExim stock = stockWithPasswdClient(split, cert);
    Path out = buildAndVerify(stock);

    CommandRun.Result r = stock.sendAndDeliver(out, "rcpt@example.com",
        "Subject: stock " + split + "\n\nbody\n");
    List<SesStandIn.Delivery> got = ses.awaitDeliveries(1, Duration.ofSeconds(20));
    assertThat(got).as("exim4 output:\n%s", r.output()).hasSize(1);
    assertThat(r.status()).isZero();
    assertThat(got.get(0).username()).isEqualTo(USER);
    assertThat(got.get(0).data()).contains("Subject: stock " + split);
    assertThat(ses.mechanismsUsed()).containsExactly("PLAIN");
    // Debian's own router and transport carried it, over verified TLS, authenticated by `plain`.
    assertThat(r.output()).containsPattern(
        "=> rcpt@example\\.com R=smarthost T=remote_smtp_smarthost H=127\\.0\\.0\\.2 "
            + "\\[127\\.0\\.0\\.2\\] X=\\S+ CV=yes .*A=plain ");
  }

  /** SES offers PLAIN and LOGIN; a server offering only LOGIN proves the stock `login` too. */
  @ParameterizedTest(name = "split config = {0}")
  @ValueSource(booleans = {true, false})
  void stockLoginAuthenticatorKeepsThePasswordWhole(boolean split) throws Exception {
    TestCertificate cert = start();
    ses = SesStandIn.builder(cert.serverContext(), (u, p) -> USER.equals(u) && PASSWORD.equals(p))
        .mechanisms("LOGIN").start();
    DebianStockExim stock = stockWithPasswdClient(split, cert);
    Path out = buildAndVerify(stock);

    CommandRun.Result r = stock.sendAndDeliver(out, "rcpt@example.com",
        "Subject: login\n\nbody\n");
    assertThat(ses.awaitDeliveries(1, Duration.ofSeconds(20))).as("exim4 output:\n%s", r.output())
        .hasSize(1);
    assertThat(ses.mechanismsUsed()).containsExactly("LOGIN");
    assertThat(r.output()).containsPattern("=> rcpt@example\\.com R=smarthost"
        + " T=remote_smtp_smarthost .* CV=yes .*A=login ");
  }

  /** Every hard character on its own, through the single-file layout (the Debian default). */
  @org.junit.jupiter.api.Test
  void everyHardCharacterSurvivesTheStockAuthenticators() throws Exception {
    TestCertificate cert = start();
    ses = SesStandIn.accepting(cert.serverContext(), USER, PASSWORD);
    DebianStockExim stock = stockWithPasswdClient(false, cert);
    Path out = buildAndVerify(stock);
    int n = 0;
    for (String pw : TrickyPasswords.EACH) {
      ses.accept(USER, pw);
      renderPasswdClient(stock, pw);
      CommandRun.Result r = stock.sendAndDeliver(out, "rcpt@example.com",
          "Subject: each\n\nbody\n");
      n++;
      assertThat(ses.awaitDeliveries(n, Duration.ofSeconds(20)))
          .as("password #%d; exim4 output:\n%s", n, r.output()).hasSize(n);
    }
    assertThat(ses.refusedLogins()).isZero();
  }

  private TestCertificate start() throws Exception {
    MailStack.require("exim4");
    dir = EximDaemon.workDir("sesame-exim-stock");
    return TestCertificate.create(dir);
  }

  /** The package's files plus the rendered passwd.client: nothing else is added or edited. */
  private DebianStockExim stockWithPasswdClient(boolean split, TestCertificate cert) throws Exception {
    DebianStockExim stock = DebianStockExim.copyInto(dir);
    // Debian's host::port form; the first passwd.client column must then be Exim's $host.
    stock.configureSmarthost(SesStandIn.ADDRESS + "::" + ses.port(), split, cert.pem());
    renderPasswdClient(stock, PASSWORD);
    PosixFileAttributes a = Files.readAttributes(stock.confDir().resolve("passwd.client"),
        PosixFileAttributes.class);
    assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-r-----");
    assertThat(a.group().getName()).isEqualTo(EximDaemon.EXIM_USER);
    return stock;
  }

  private Path buildAndVerify(DebianStockExim stock) throws Exception {
    Path out = dir.resolve("config.autogenerated");
    CommandRun.Result built = stock.build(out);
    assertThat(built.status()).as("update-exim4.conf: %s", built.output()).isZero();
    CommandRun.Result verified = stock.verify(out);
    assertThat(verified.status()).as("exim4 -bV: %s", verified.output()).isZero();
    return out;
  }

  /** passwd.client over the package's example file, as its header says: 0640 root:Debian-exim. */
  private static void renderPasswdClient(DebianStockExim stock, String password) throws Exception {
    Target t = Target.of("ses", TEMPLATES.resolve("passwd.client"),
        stock.confDir().resolve("passwd.client"), Format.EXIM_PASSWD).withMode(0640)
        .withOwnership("root", EximDaemon.EXIM_USER);
    new Renderer().apply(List.of(t),
        MapFieldSource.ses("ses", SesStandIn.ADDRESS, 587, USER, password), false, QUIET);
  }
}
