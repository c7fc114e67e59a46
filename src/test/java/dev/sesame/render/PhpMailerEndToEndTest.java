package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.TestCertificate;
import dev.sesame.testing.TrickyPasswords;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PHPMailer, configured by the rendered PHP file and docs/examples code, sends through STARTTLS. */
@Tag("mail-stack")
class PhpMailerEndToEndTest {
  private static final String USER = "AKIAEXAMPLEPHP";
  @TempDir static Path dir;
  private static SesStandIn ses;
  private static TestCertificate cert;

  @BeforeAll
  static void start() throws Exception {
    MailStack.requirePhpMailer();
    cert = TestCertificate.create(dir);
    ses = SesStandIn.accepting(cert.serverContext(), USER, TrickyPasswords.ALL);
  }

  @AfterAll
  static void stop() {
    if (ses != null) {
      ses.close();
    }
  }

  private Path renderConfig(String password) throws Exception {
    Path out = dir.resolve("smtp.php");
    Target t = Target.of("ses", Path.of("templates/phpmailer/smtp.php"), out, Format.PHP)
        .withCommands("php -l {}", null, null);
    new Renderer().apply(List.of(t),
        MapFieldSource.ses("ses", SesStandIn.ADDRESS, ses.port(), USER, password)
            .put("ses", "smtp_secure", "tls"), false,
        new PrintStream(PrintStream.nullOutputStream()));
    return out;
  }

  private int send(Path config) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("php", "docs/examples/phpmailer-send.php",
        config.toString(), "rcpt@example.com").redirectErrorStream(true);
    pb.environment().put("SMTP_CA_FILE", cert.pem().toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      System.err.println("phpmailer-send: " + out);
    }
    return p.exitValue();
  }

  @Test
  void sendsWithTheTrickyPassword() throws Exception {
    ses.accept(USER, TrickyPasswords.ALL);
    int before = ses.deliveries().size();
    assertThat(send(renderConfig(TrickyPasswords.ALL))).isZero();
    assertThat(ses.awaitDeliveries(before + 1, Duration.ofSeconds(10))).hasSize(before + 1);
    assertThat(ses.deliveries().get(before).username()).isEqualTo(USER);
  }

  @Test
  void derivesStartTlsForPort587StyleServers() throws Exception {
    String php = Files.readString(renderConfig("x"));
    // The stand-in's port is random, so its entry stores smtp_secure; derive it from 465 here.
    assertThat(php).contains("'password' => 'x'");
    String secure = new Renderer().renderToString(
        Target.of("ses", Path.of("templates/phpmailer/smtp.php"), dir.resolve("z"), Format.PHP),
        MapFieldSource.ses("ses", "h", 465, USER, "x"));
    assertThat(secure).contains("'secure'   => 'ssl'");
  }

  @Test
  void wrongPasswordIsRefused() throws Exception {
    ses.accept(USER, "right");
    int failed = ses.refusedLogins();
    assertThat(send(renderConfig("wrong"))).isEqualTo(1);
    assertThat(ses.refusedLogins()).isGreaterThan(failed);
  }
}
