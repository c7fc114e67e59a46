package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.TestCertificate;
import dev.sesame.testing.TrickyPasswords;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real Exim daemon running the rendered send-only RHEL exim.conf (the labelled alternative) (credential in a separate 0640 file):
 * it relays; an invalid exim.conf is refused by `exim -bV -C {}` while the daemon keeps running;
 * a failing restart puts the file and the service back.
 */
@Tag("mail-stack")
class EximRhelEndToEndTest {
  private static final String USER = "AKIAEXAMPLERHEL";
  private static final String PROBE = TrickyPasswords.ALL;
  private static Path dir;
  private static Path template;
  private static SesStandIn ses;
  private static EximDaemon exim;
  private static MapFieldSource fields;
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @BeforeAll
  static void start() throws Exception {
    MailStack.require("exim");
    MailStack.require("swaks");
    dir = EximDaemon.workDir("sesame-exim-rhel");
    TestCertificate cert = TestCertificate.create(dir);
    ses = SesStandIn.accepting(cert.serverContext(), USER, TrickyPasswords.ALL);
    fields = MapFieldSource.ses("ses", SesStandIn.ADDRESS, ses.port(), USER, TrickyPasswords.ALL)
        .put("probe", "smtp_password", PROBE);
    // The shipped template, plus a header whose value goes through the exim escaper, so the
    // delivered message shows what Exim made of it.
    template = dir.resolve("exim.conf.tpl");
    Files.writeString(template, Files.readString(Path.of("templates/rhel-exim/send-only-exim.conf"))
        .replace("  hosts_require_auth = *\n",
            "  hosts_require_auth = *\n  headers_add = \"X-Probe: ${probe.smtp_password}\"\n"));
    Files.writeString(dir.resolve("wrapper.conf"), """
        SESAME_PASSWD_FILE = DIR/sesame-smtp.passwd
        SESAME_TLS_CA = DIR/server.pem
        SESAME_SPOOL = DIR/spool
        SESAME_LOG = DIR/log/%slog
        .include DIR/exim.conf
        """.replace("DIR", dir.toString()));
    new Renderer().apply(List.of(confTarget(template, null),
        Target.of("ses", Path.of("templates/rhel-exim/sesame-smtp.passwd").toAbsolutePath(),
            dir.resolve("sesame-smtp.passwd"), Format.EXIM_PASSWD).withMode(0640)
            .withOwnership("root", EximDaemon.EXIM_USER)), fields, false, QUIET);
    exim = EximDaemon.start(dir, dir.resolve("wrapper.conf"));
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

  private static Target confTarget(Path tpl, String restart) {
    return Target.of("ses", tpl, dir.resolve("exim.conf"), Format.EXIM).withMode(0644)
        .withCommands(MailStack.require("exim") + " -bV -C {}", restart, null);
  }

  private SesStandIn.Delivery sendAndAwait(String subject) throws Exception {
    int before = ses.deliveries().size();
    // A daemon re-executing after SIGHUP may drop a connection before its greeting: retry a
    // refused submission for a bounded time (a refused one was never accepted, so none doubles).
    int status = exim.send("rcpt@example.com", subject);
    for (long end = System.nanoTime() + Duration.ofSeconds(20).toNanos(); status != 0 && System.nanoTime() < end; ) {
      Thread.sleep(200);
      status = exim.send("rcpt@example.com", subject);
    }
    assertThat(status).isZero();
    List<SesStandIn.Delivery> got = ses.awaitDeliveries(before + 1, Duration.ofSeconds(20));
    assertThat(got).as("exim main log:\n%s", exim.log("main")).hasSize(before + 1);
    return got.get(before);
  }

  @Test
  void relaysAndCarriesAnEximEscapedValueExactly() throws Exception {
    SesStandIn.Delivery d = sendAndAwait("rhel");
    assertThat(d.username()).isEqualTo(USER);
    assertThat(d.data()).contains("X-Probe: " + PROBE + "\r\n");
  }

  @Test
  void invalidConfigIsRefusedByTheCheckAndTheDaemonKeepsRunning() throws Exception {
    String before = Files.readString(dir.resolve("exim.conf"));
    Path broken = dir.resolve("broken.tpl");
    Files.writeString(broken, Files.readString(template) + "\nthis_is_not_an_option = 1\n");
    assertThatThrownBy(() -> new Renderer().apply(List.of(confTarget(broken, "false")), fields,
        false, QUIET))
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.CHECK_FAILED);
    assertThat(Files.readString(dir.resolve("exim.conf"))).isEqualTo(before);
    assertThat(exim.isAlive()).isTrue();
    sendAndAwait("after refused check");
  }

  @Test
  void failingRestartPutsFileAndServiceBack() throws Exception {
    String before = Files.readString(dir.resolve("exim.conf"));
    Path changed = dir.resolve("changed.tpl");
    Files.writeString(changed, Files.readString(template)
        .replace("X-Probe:", "X-Changed: yes\\nX-Probe:"));
    // Reload the daemon (SIGHUP), then report failure, as a failed health probe inside a
    // restart script would; the rollback runs the same reload on the restored file.
    String restart = "kill -HUP " + exim.pid() + "; exit 1";
    assertThatThrownBy(() -> new Renderer().apply(List.of(confTarget(changed, restart)), fields,
        false, QUIET))
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.RESTART_FAILED);
    assertThat(Files.readString(dir.resolve("exim.conf"))).isEqualTo(before);
    exim.awaitGreeting(Duration.ofSeconds(20));
    assertThat(exim.isAlive()).isTrue();
    SesStandIn.Delivery d = sendAndAwait("after rollback");
    assertThat(d.data()).doesNotContain("X-Changed");
  }
}
