package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.TestCertificate;
import dev.sesame.testing.TrickyPasswords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manual relay on a port outside the well-known list, stored with `put --tls`, as a user sets it
 * up: the PHPMailer, Postfix and Exim templates rendered by `sesame render --targets` are accepted
 * by their real readers (php -l, postmap/postconf, exim -bV), and PHPMailer and an Exim daemon
 * deliver through a real TLS + AUTH server on that very port, once speaking STARTTLS and once TLS
 * from the first byte.
 */
@Tag("mail-stack")
class RelayPortsEndToEndTest {
  private static final String USER = "mailer";
  private static final String PASSWORD = TrickyPasswords.ALL;
  private static final Path POSTFIX = Path.of("/opt/sesame-test/postfix/usr/sbin");
  private static final Path POSTFIX_LIBS = Path.of("/opt/sesame-test/postfix/usr/lib/postfix");

  @TempDir
  Path tmp;

  @Test
  void starttlsRelayOnPort2525() throws Exception {
    relayDelivers(2525, "starttls");
  }

  @Test
  void implicitTlsRelayOnANonStandardPort() throws Exception {
    relayDelivers(4650, "implicit");
  }

  @Test
  void anUnknownPortWithoutTlsIsRefusedAndNothingIsStored() throws Exception {
    SesameProcess sesame = cli();
    assertThat(sesame.run("init").exitCode()).isZero();
    SesameProcess.Result refused = sesame.runWithStdin("pw-zq7\n", "put", "relay", "--host", "smtp.example.com",
        "--port", "2525", "--smtp-username", USER, "--smtp-password-stdin");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("--tls starttls").contains("--tls implicit").doesNotContain("pw-zq7");
    SesameProcess.Result plain = sesame.runWithStdin("pw-zq7\n", "put", "relay", "--host", "smtp.example.com",
        "--port", "2525", "--tls", "none", "--smtp-username", USER, "--smtp-password-stdin");
    assertThat(plain.exitCode()).isEqualTo(2);
    assertThat(plain.err()).contains("starttls or implicit");
    assertThat(sesame.run("get", "relay").exitCode()).isEqualTo(4);
  }

  @Test
  void aWellKnownPortNeedsNoTlsOption() throws Exception {
    SesameProcess sesame = cli();
    assertThat(sesame.run("init").exitCode()).isZero();
    assertThat(sesame.runWithStdin("pw\n", "put", "relay", "--host", "smtp.example.com", "--port", "465",
        "--smtp-username", USER, "--smtp-password-stdin").exitCode()).isZero();
    SesameProcess.Result tls = sesame.run("get", "relay", "--field", "smtp_tls");
    assertThat(tls.out().strip()).as(tls.toString()).isEqualTo("implicit");
  }

  private SesameProcess cli() {
    return SesameProcess.withTmpDir(tmp).env("SESAME_VAULT", tmp.resolve("vault.json").toString())
        .env("SESAME_KEY_FILE", tmp.resolve("vault.key").toString());
  }

  private void relayDelivers(int port, String tls) throws Exception {
    MailStack.requirePhpMailer();
    String exim = MailStack.require("exim");
    Path dir = EximDaemon.workDir("sesame-relay");
    TestCertificate cert = TestCertificate.create(dir);
    SesStandIn.Builder relayAt = SesStandIn.builder(cert.serverContext(),
        (u, p) -> USER.equals(u) && PASSWORD.equals(p))
        .port(port);
    if (tls.equals("implicit")) {
      relayAt.implicitTls();
    }
    try (SesStandIn relay = relayAt.start()) {
      SesameProcess sesame = SesameProcess.withTmpDir(tmp)
          .env("SESAME_VAULT", dir.resolve("vault.json").toString())
          .env("SESAME_KEY_FILE", dir.resolve("vault.key").toString());
      assertThat(sesame.run("init").exitCode()).isZero();
      SesameProcess.Result put = sesame.runWithStdin(PASSWORD + "\n", "put", "relay", "--host", SesStandIn.ADDRESS,
          "--port", Integer.toString(port), "--tls", tls, "--smtp-username", USER, "--smtp-password-stdin");
      assertThat(put.exitCode()).as(put.toString()).isZero();

      // postmap reads main.cf and insists on distinct mail_owner / setgid_group / default_privs ids.
      Path postfixConf = Files.createDirectories(dir.resolve("postfix"));
      String baseMainCf = "compatibility_level = 3.6\nmail_owner = daemon\nsetgid_group = mail\n"
          + "default_database_type = hash\n";
      writeSettled(postfixConf.resolve("main.cf"), baseMainCf);
      Files.writeString(postfixConf.resolve("master.cf"), "");
      Path targets = dir.resolve("targets.toml");
      Files.writeString(targets, targetsFile(dir, postfixConf, exim));
      SesameProcess.Result render = sesame.run("render", "--targets", targets.toString());
      assertThat(render.exitCode()).as(render.toString()).isZero();

      // PHPMailer: the rendered array says how to start TLS, and the message goes through.
      assertThat(Files.readString(dir.resolve("smtp.php")))
          .contains("'secure'   => '" + (tls.equals("implicit") ? "ssl" : "tls") + "'");
      assertThat(phpMailerSend(dir.resolve("smtp.php"), cert)).isZero();
      assertThat(relay.awaitDeliveries(1, Duration.ofSeconds(20))).hasSize(1);
      assertThat(relay.deliveries().get(0).username()).isEqualTo(USER);

      // Postfix: main.cf as postconf reads it, and the map key relayhost looks up in sasl_passwd.
      writeSettled(postfixConf.resolve("main.cf"), baseMainCf + Files.readString(dir.resolve("main.cf.sesame")));
      assertThat(postfix("postconf", "-c", postfixConf.toString(), "-h", "relayhost"))
          .isEqualTo("[" + SesStandIn.ADDRESS + "]:" + port);
      assertThat(postfix("postconf", "-c", postfixConf.toString(), "-h", "smtp_tls_wrappermode"))
          .isEqualTo(tls.equals("implicit") ? "yes" : "no");
      assertThat(postfix("postmap", "-c", postfixConf.toString(), dir.resolve("sasl_passwd").toString())).isEmpty();
      assertThat(postfix("postmap", "-c", postfixConf.toString(), "-q", "[" + SesStandIn.ADDRESS + "]:" + port,
          dir.resolve("sasl_passwd").toString())).isEqualTo(USER + ":" + PASSWORD);

      // Exim: a daemon running the rendered exim.conf relays through the same port.
      Files.writeString(dir.resolve("wrapper.conf"), """
          SESAME_PASSWD_FILE = DIR/sesame-smtp.passwd
          SESAME_TLS_CA = DIR/server.pem
          SESAME_SPOOL = DIR/spool
          SESAME_LOG = DIR/log/%slog
          .include DIR/exim.conf
          """.replace("DIR", dir.toString()));
      try (EximDaemon daemon = EximDaemon.start(dir, dir.resolve("wrapper.conf"))) {
        assertThat(daemon.send("rcpt@example.com", "relay on " + port)).isZero();
        assertThat(relay.awaitDeliveries(2, Duration.ofSeconds(20))).as("exim main log:\n%s", daemon.log("main"))
            .hasSize(2);
        assertThat(relay.deliveries().get(1).username()).isEqualTo(USER);
      }
    } finally {
      EximDaemon.deleteTree(dir);
    }
  }

  private static String targetsFile(Path dir, Path postfixConf, String exim) {
    // Check commands get a minimal environment, so the unpacked postmap is told where its libraries are.
    String postmapCheck = "d=$(mktemp -d) && cp {} \\\"$d/sasl_passwd\\\" && LD_LIBRARY_PATH=" + POSTFIX_LIBS + " "
        + POSTFIX.resolve("postmap")
        + " -c " + postfixConf + " \\\"$d/sasl_passwd\\\"; s=$?; rm -rf \\\"$d\\\"; exit $s";
    return """
        [[target]]
        entry = "relay"
        template = "ROOT/templates/phpmailer/smtp.php"
        out = "DIR/smtp.php"
        format = "php"
        mode = "0640"
        check = "php -l {}"

        [[target]]
        entry = "relay"
        template = "ROOT/templates/postfix/sasl_passwd"
        out = "DIR/sasl_passwd"
        format = "postfix"
        mode = "0600"
        check = "POSTMAP_CHECK"

        [[target]]
        entry = "relay"
        template = "ROOT/templates/postfix/main.cf.snippet"
        out = "DIR/main.cf.sesame"
        format = "raw"
        mode = "0644"

        [[target]]
        entry = "relay"
        template = "ROOT/templates/rhel-exim/send-only-exim.conf"
        out = "DIR/exim.conf"
        format = "exim"
        mode = "0644"
        check = "EXIM -bV -C {}"

        [[target]]
        entry = "relay"
        template = "ROOT/templates/rhel-exim/sesame-smtp.passwd"
        out = "DIR/sesame-smtp.passwd"
        format = "exim-passwd"
        mode = "0640"
        owner = "root"
        group = "EXIM_GROUP"
        """.replace("ROOT", Path.of("").toAbsolutePath().toString()).replace("DIR", dir.toString())
        .replace("POSTMAP_CHECK", postmapCheck).replace("EXIM_GROUP", EximDaemon.EXIM_USER).replace("EXIM", exim);
  }

  private static int phpMailerSend(Path config, TestCertificate cert) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("php", "docs/examples/phpmailer-send.php", config.toString(),
        "rcpt@example.com").redirectErrorStream(true);
    pb.environment().put("SMTP_CA_FILE", cert.pem().toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("phpmailer-send: %s", out).isZero();
    return p.exitValue();
  }

  /**
   * Writes a Postfix configuration file dated a minute back. Postfix takes main.cf only once its
   * modification time is a second or two past, re-reading it every 0.3 s until then ("pausing to let
   * %s cool down", libpostfix-util's dict_load_file; seen with strace): a file the test had just
   * written cost every postconf or postmap run, the render's postmap check included, up to 2 s.
   */
  private static void writeSettled(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
  }

  /** Runs a Postfix tool unpacked by .ci/install-postmap; returns its output, stripped. */
  private static String postfix(String tool, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(POSTFIX.resolve(tool).toString()));
    argv.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().put("LD_LIBRARY_PATH", POSTFIX_LIBS.toString());
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", tool, out).isZero();
    return out;
  }
}
