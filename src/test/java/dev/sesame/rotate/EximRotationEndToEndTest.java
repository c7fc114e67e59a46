package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.render.Format;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import dev.sesame.render.TargetsFile;
import dev.sesame.render.VaultFieldSource;
import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rotation end to end through real mail software: a real Exim daemon (the shipped Debian
 * passwd.client and colon-safe LOGIN authenticator) and PHPMailer (the shipped PHP settings file)
 * relay to an SES stand-in that accepts exactly the Active keys of the IAM stand-in, at the host
 * name and port the vault entry names ({@value RotationStand#SES_HOST}:587). Exim and PHP run in
 * a private mount namespace whose /etc/hosts maps that name to a loopback forwarder; nothing on
 * the machine changes. The rotations run through the real CLI in a child JVM.
 */
@Tag("mail-stack")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EximRotationEndToEndTest {
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  private static Path dir;
  private static Path hosts;
  private static RotationStand stand;
  private static LoopbackForwarder forwarder;
  private static Process exim;
  private static int eximPort;
  private static Path eximConf;
  private static Path targets;

  @BeforeAll
  static void start() throws Exception {
    MailStack.require("exim");
    MailStack.require("unshare");
    MailStack.requirePhpMailer();
    dir = EximDaemon.workDir("sesame-rotation-exim");
    StandCertificate cert = StandCertificate.create(dir);
    Files.setPosixFilePermissions(cert.pem(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    stand = RotationStand.start(Files.createDirectory(dir.resolve("world")), cert, 587);
    // A loopback address of its own, so port 587 cannot collide with anything else on the machine.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String sesAddress = "127." + random.nextInt(10, 250) + "." + random.nextInt(1, 250) + "." + random.nextInt(1, 250);
    forwarder = LoopbackForwarder.start(sesAddress, 587, new InetSocketAddress(SesStandIn.ADDRESS, stand.ses.port()));
    hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n" + sesAddress + " " + RotationStand.SES_HOST + "\n");

    targets = dir.resolve("targets.toml");
    Files.writeString(targets, """
        [[target]]
        entry = "prod"
        template = "ROOT/templates/debian-exim4/passwd.client"
        out = "DIR/passwd.client"
        format = "exim-passwd"
        mode = "0640"
        owner = "root"
        group = "Debian-exim"

        [[target]]
        entry = "prod"
        template = "ROOT/templates/phpmailer/smtp.php"
        out = "DIR/smtp.php"
        format = "php"
        mode = "0644"
        check = "php -l {}"
        """.replace("ROOT", Path.of("").toAbsolutePath().toString()).replace("DIR", dir.toString()));
    try (Vault opened = Vault.open(stand.vault, stand.keys)) {
      VaultFieldSource fields = new VaultFieldSource(opened);
      Renderer renderer = new Renderer();
      // As deployed before any rotation: the first key everywhere, and the authenticator fragment.
      renderer.apply(TargetsFile.read(targets), fields, false, QUIET);
      renderer.apply(List.of(Target.of("prod", Path.of("templates/debian-exim4/29_exim4-config_sesame_login"),
          dir.resolve("29_exim4-config_sesame_login"), Format.EXIM).withMode(0644)), fields, false, QUIET);
    }
    eximConf = dir.resolve("exim.conf");
    Files.writeString(eximConf, """
        SESAME_PASSWD_CLIENT = DIR/passwd.client
        primary_hostname = sesame-test.invalid
        spool_directory = DIR/spool
        log_file_path = DIR/log/%slog
        acl_smtp_rcpt = acl_rcpt
        tls_advertise_hosts =
        # Deliver every message of a long submission session at once (the default, 10, queues the
        # rest for a queue runner this test does not start).
        smtp_accept_queue_per_connection = 0
        begin acl
        acl_rcpt:
          accept hosts = : 127.0.0.1
          deny
        begin routers
        smarthost:
          driver = manualroute
          transport = smarthost_smtp
          route_list = * SES_HOST byname
          no_more
        begin transports
        smarthost_smtp:
          driver = smtp
          port = 587
          hosts_require_tls = *
          hosts_require_auth = *
          tls_verify_hosts = *
          tls_verify_certificates = DIR/ses-stand-in.pem
        begin retry
        * * F,1h,1m
        begin authenticators
        .include DIR/29_exim4-config_sesame_login
        """.replace("DIR", dir.toString()).replace("SES_HOST", RotationStand.SES_HOST));
    startExim();
  }

  /** The command line, run in a private mount namespace whose /etc/hosts is ours. */
  private static List<String> withOurHosts(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
        "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts.toString()));
    argv.addAll(command);
    return argv;
  }

  private static void startExim() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      eximPort = s.getLocalPort();
    }
    exim = new ProcessBuilder(withOurHosts(List.of(MailStack.require("exim"), "-bdf", "-oX",
        Integer.toString(eximPort), "-oP", dir.resolve("exim.pid").toString(), "-C", eximConf.toString())))
        .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile()).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      if (!exim.isAlive()) {
        throw new IllegalStateException("exim exited: " + Files.readString(dir.resolve("daemon.out")) + log("main")
            + log("panic"));
      }
      try (Socket s = new Socket("127.0.0.1", eximPort)) {
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("exim did not listen on " + eximPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (exim != null) {
      exim.destroy();
      if (!exim.waitFor(5, TimeUnit.SECONDS)) {
        exim.destroyForcibly();
      }
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (stand != null) {
      stand.close();
    }
    EximDaemon.deleteTree(dir);
  }

  private static String log(String which) throws Exception {
    Path p = dir.resolve("log").resolve(which + "log");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private static Session submission() {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", Integer.toString(eximPort));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    return Session.getInstance(props);
  }

  private static MimeMessage message(Session session, String subject) throws Exception {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("sender@sesame-test.invalid"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.com"));
    message.setSubject(subject);
    message.setText("body of " + subject);
    return message;
  }

  /** Submits one message to the Exim daemon over SMTP (Exim then relays it on its own). */
  private static void submit(String subject) throws Exception {
    Transport.send(message(submission(), subject));
  }

  /** Sends one message with PHPMailer and the rendered settings file; returns php's exit status. */
  private static int sendWithPhpMailer(String from) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(withOurHosts(List.of("php", Path.of("docs/examples/phpmailer-send.php")
        .toAbsolutePath().toString(), dir.resolve("smtp.php").toString(), "rcpt@example.com", from)))
        .redirectErrorStream(true);
    pb.environment().put("SMTP_CA_FILE", dir.resolve("ses-stand-in.pem").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("phpmailer-send: " + out).isZero();
    return p.exitValue();
  }

  /** The SES delivery whose data contains MARKER, waiting for it. */
  private static SesStandIn.Delivery awaitDelivery(String marker) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      for (SesStandIn.Delivery d : stand.deliveries()) {
        if (d.data().contains(marker) || marker.equals(d.from())) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no delivery of " + marker + "; exim main log:\n" + log("main") + log("reject"));
  }

  private static void assertBothDeliverWith(String key, String label) throws Exception {
    submit("exim " + label);
    assertThat(awaitDelivery("Subject: exim " + label).username()).as("Exim " + label).isEqualTo(key);
    String from = "php-" + label + "@sesame-test.invalid";
    sendWithPhpMailer(from);
    assertThat(awaitDelivery(from).username()).as("PHPMailer " + label).isEqualTo(key);
  }

  @Test
  @Order(1)
  void aScheduledRotationMovesEximAndPhpMailerToTheNewKeyWithoutARestart() throws Exception {
    assertBothDeliverWith(stand.firstKey, "before");
    long eximPid = exim.pid();

    CliResult run = stand.sesame("rotate", "prod", "--targets", targets.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = stand.currentKey();
    assertThat(newKey).isNotEqualTo(stand.firstKey);
    assertBothDeliverWith(newKey, "after");
    assertThat(exim.pid()).isEqualTo(eximPid);
    assertThat(exim.isAlive()).isTrue();
    // The grace period: the previous key stays active, and is recorded for a later run to retire.
    assertThat(stand.iamKeys()).containsExactlyInAnyOrder(stand.firstKey, newKey);
    assertThat(stand.state()).containsEntry("retire.key_id", stand.firstKey);
    assertThat(stand.version(Label.PREVIOUS).credential().field("access_key_id")).contains(stand.firstKey);
  }

  @Test
  @Order(2)
  void aSteadySendLoopThroughEximLosesAndDefersNothingDuringAFullRetireNowRotation() throws Exception {
    String keyBefore = stand.currentKey();
    int deliveredBefore = stand.deliveries().size();
    List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean sending = new AtomicBoolean(true);
    Thread loop = new Thread(() -> {
      // One SMTP session, as a busy application keeps; Exim delivers each message as it arrives.
      Session session = submission();
      long next = System.nanoTime();
      try (Transport transport = session.getTransport("smtp")) {
        for (int i = 0; sending.get(); i++) {
          String subject = "loop-" + i;
          try {
            if (!transport.isConnected()) {
              transport.connect();
            }
            MimeMessage message = message(session, subject);
            transport.sendMessage(message, message.getAllRecipients());
            sent.add(subject);
          } catch (Exception e) {
            failures.add(e);
          }
          next += TimeUnit.MILLISECONDS.toNanos(120);  // about 8 messages per second
        long wait = next - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }, "send-loop");
    long started = System.nanoTime();
    loop.start();
    Thread.sleep(1000);

    CliResult run = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--retire-now");

    Thread.sleep(1000);
    sending.set(false);
    loop.join();
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = stand.currentKey();
    assertThat(newKey).isNotEqualTo(keyBefore);
    assertThat(failures).as("submissions refused by Exim").isEmpty();
    assertThat(sent.size() / seconds).as("send rate, messages per second").isGreaterThanOrEqualTo(5.0);

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (stand.deliveries().size() < deliveredBefore + sent.size() && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    List<SesStandIn.Delivery> delivered = stand.deliveries().subList(deliveredBefore, stand.deliveries().size());
    for (String subject : sent) {
      assertThat(delivered).as("delivered: " + subject + "\n" + log("main"))
          .anyMatch(d -> d.data().contains("Subject: " + subject + "\r\n") || d.data().contains("Subject: " + subject + "\n"));
    }
    assertThat(delivered).hasSize(sent.size());
    String mainLog = log("main");
    assertThat(mainLog.lines().filter(l -> l.contains(" == ") || l.contains(" ** ")))
        .as("deferred or bounced deliveries").isEmpty();
    assertThat(queueCount()).as("messages left in Exim's queue").isZero();
    // Deliveries after the rotation use the new key; both older keys are gone from IAM.
    submit("after the loop");
    assertThat(awaitDelivery("Subject: after the loop").username()).isEqualTo(newKey);
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(delivered).extracting(SesStandIn.Delivery::username).contains(keyBefore, newKey);
    System.out.printf("send loop: %d messages in %.1f s (%.1f/s), all delivered, none deferred%n",
        sent.size(), seconds, sent.size() / seconds);
  }

  private static int queueCount() throws Exception {
    Process p = new ProcessBuilder(MailStack.require("exim"), "-C", eximConf.toString(), "-bpc")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Integer.parseInt(out);
  }
}
