package dev.sesame.render;

import dev.sesame.testing.CommandRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.TestCertificate;
import dev.sesame.testing.TrickyPasswords;
import dev.sesame.testing.UpstreamDefaultExim;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * templates/rhel-exim's three fragments merged into upstream Exim's default configure (what Rocky's
 * /etc/exim/exim.conf is built from) exactly where README.txt says: the router right after "begin
 * routers", the transport after "begin transports", the authenticator after "begin
 * authenticators". The merged file passes `exim -bV`, sends remote mail through the SES stand-in
 * (STARTTLS, verified certificate, AUTH LOGIN with a password holding `: / + = ^`), and still
 * hands local addresses to the stock localuser router and local_delivery transport.
 *
 * <p>The only lines added for the test put the spool and logs in a private folder and fix the
 * host name (the stock file leaves them to compiled-in defaults, which are the real ones).
 */
@Tag("mail-stack")
class EximRhelStockConfigTest {
  private static final Path TEMPLATES = Path.of("templates/rhel-exim").toAbsolutePath();
  private static final String USER = "AKIAEXAMPLEROCKY";
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  private static Path dir;
  private static SesStandIn ses;
  private static TestCertificate cert;
  private static Path merged;

  @BeforeAll
  static void start() throws Exception {
    MailStack.require("exim");
    dir = EximDaemon.workDir("sesame-exim-rocky");
    cert = TestCertificate.create(dir);
    ses = SesStandIn.accepting(cert.serverContext(), USER, TrickyPasswords.ALL);
    MapFieldSource fields = MapFieldSource.ses("ses", SesStandIn.ADDRESS, ses.port(), USER,
        TrickyPasswords.ALL);
    Renderer renderer = new Renderer();
    renderer.apply(List.of(Target.of("ses", TEMPLATES.resolve("sesame-smtp.passwd"),
        dir.resolve("sesame-smtp.passwd"), Format.EXIM_PASSWD).withMode(0640)
        .withOwnership("root", EximDaemon.EXIM_USER)), fields, false, QUIET);
    String config = UpstreamDefaultExim.text();
    for (String[] fragmentAndSection : new String[][] {{"router.exim", "routers"},
        {"transport.exim", "transports"}, {"authenticator.exim", "authenticators"}}) {
      Path out = dir.resolve(fragmentAndSection[0]);
      // The text `sesame render --stdout` prints, which the admin pastes.
      renderer.apply(List.of(Target.of("ses", TEMPLATES.resolve(fragmentAndSection[0]), out,
          Format.EXIM).withMode(0644)), fields, false, QUIET);
      config = UpstreamDefaultExim.insertAfterBegin(config, fragmentAndSection[1],
          Files.readString(out));
    }
    merged = dir.resolve("exim.conf");
    Files.writeString(merged, """
        # test environment only: private spool and logs, a fixed host name
        spool_directory = DIR/spool
        log_file_path = DIR/log/%slog
        primary_hostname = rocky.sesame-test.invalid
        """.replace("DIR", dir.toString()) + config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (ses != null) {
      ses.close();
    }
    EximDaemon.deleteTree(dir);
  }

  private static List<String> exim(String... args) {
    List<String> argv = new ArrayList<>(List.of("-C", merged.toString(),
        "-DSESAME_TLS_CA=" + cert.pem(), "-DSESAME_PASSWD_FILE=" + dir.resolve("sesame-smtp.passwd")));
    argv.addAll(List.of(args));
    return argv;
  }

  @Test
  void mergedStockConfigIsValid() throws Exception {
    CommandRun.Result r = UpstreamDefaultExim.exim(exim("-bV"), null);
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output()).contains("Configuration file is " + merged);
  }

  @Test
  void remoteMailGoesThroughSesWithTheColonSafeLogin() throws Exception {
    assertThat(TrickyPasswords.ALL).contains(":", "/", "+", "=", "^");
    int before = ses.deliveries().size();
    CommandRun.Result r = UpstreamDefaultExim.exim(exim("-odf", "-v", "-i",
        "rcpt@example.com"), "Subject: rocky remote\n\nbody\n");
    List<SesStandIn.Delivery> got = ses.awaitDeliveries(before + 1, Duration.ofSeconds(20));
    assertThat(got).as("exim output:\n%s", r.output()).hasSize(before + 1);
    assertThat(got.get(before).username()).isEqualTo(USER);
    assertThat(got.get(before).data()).contains("Subject: rocky remote");
    assertThat(r.output()).containsPattern("=> rcpt@example\\.com R=sesame_ses T=sesame_ses_smtp"
        + " H=127\\.0\\.0\\.2 \\[127\\.0\\.0\\.2\\] X=\\S+ CV=yes .*A=sesame_ses_login ");
  }

  @Test
  void localAddressesStillGoToTheStockLocalDelivery() throws Exception {
    // `nobody` exists on every Linux system; -bt routes without delivering (a -C config makes
    // Exim drop root, so it could not switch to the user to write the real mailbox).
    CommandRun.Result local = UpstreamDefaultExim.exim(
        exim("-bt", "nobody@rocky.sesame-test.invalid"), null);
    assertThat(local.status()).as(local.output()).isZero();
    assertThat(local.output()).contains("router = localuser").contains("transport = local_delivery");
    CommandRun.Result remote = UpstreamDefaultExim.exim(exim("-bt", "rcpt@example.com"),
        null);
    assertThat(remote.output()).contains("router = sesame_ses").contains("transport = sesame_ses_smtp");
  }
}
