package dev.sesame.rotate;

import dev.sesame.render.EntryStoreFieldSource;
import dev.sesame.render.Renderer;
import dev.sesame.render.TargetsFile;
import dev.sesame.testing.DebianStockExim;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.VaultEntryStore;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The mail side of a {@link RotationStand}: a real Exim daemon configured with the shipped Debian
 * passwd.client and colon-safe LOGIN authenticator, and PHPMailer with the shipped settings file,
 * both rendered from the vault by one targets file and relaying to the SES stand-in at the host
 * name and port the vault entry names ({@value RotationStand#SES_HOST}:587). Exim and PHP run in a
 * private mount namespace (unshare -m) whose /etc/hosts maps that name to a loopback forwarder to
 * the stand-in; nothing on the machine changes. Needs root, exim, php with PHPMailer, unshare.
 * DIR must be a folder made by {@code EximDaemon.workDir} (spool and log owned by Exim's user).
 */
final class EximRelay implements AutoCloseable {
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  private final Path dir;
  private final Path hosts;
  private final Path conf;
  private final Path targets;
  private final Path caPem;
  private final LoopbackForwarder forwarder;
  private Process exim;
  private int port;

  private EximRelay(Path dir, Path hosts, Path conf, Path targets, Path caPem, LoopbackForwarder forwarder) {
    this.dir = dir;
    this.hosts = hosts;
    this.conf = conf;
    this.targets = targets;
    this.caPem = caPem;
    this.forwarder = forwarder;
  }

  static EximRelay start(Path dir, RotationStand stand) throws Exception {
    MailStack.require("exim");
    MailStack.require("unshare");
    MailStack.requirePhpMailer();
    // A loopback address of its own, so port 587 cannot collide with anything else on the machine.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String sesAddress = "127." + random.nextInt(10, 250) + "." + random.nextInt(1, 250) + "." + random.nextInt(1, 250);
    LoopbackForwarder forwarder = LoopbackForwarder.start(sesAddress, 587,
        new InetSocketAddress(SesStandIn.ADDRESS, stand.ses.port()));
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n" + sesAddress + " " + RotationStand.SES_HOST + "\n");
    Path caPem = dir.resolve("ses-stand-in-ca.pem");
    Files.copy(stand.caPem, caPem);
    Files.setPosixFilePermissions(caPem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

    Path targets = dir.resolve("targets.toml");
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
    try (VaultEntryStore current = new VaultEntryStore(stand.vault, List.of(KeyFileKeySource.load(stand.keyFile)),
        Duration.ofSeconds(30), Clock.systemUTC())) {
      EntryStoreFieldSource fields = new EntryStoreFieldSource(current);
      Renderer renderer = new Renderer();
      // As deployed before any rotation: the current key everywhere.
      renderer.apply(TargetsFile.read(targets), fields, false, QUIET);
    }
    Path conf = dir.resolve("exim.conf");
    // Debian's stock client authenticators (included below) read CONFDIR/passwd.client. Outside
    // the text block: its "DIR" placeholder would also hit the macro's own name.
    Files.writeString(conf, "CONFDIR = " + dir + "\n" + """
        primary_hostname = sesame-test.invalid
        spool_directory = DIR/spool
        log_file_path = DIR/log/%slog
        acl_smtp_rcpt = acl_rcpt
        tls_advertise_hosts =
        # Deliver every message of a long submission session at once (the default, 10, queues the
        # rest for a queue runner that is not started here).
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
          tls_verify_certificates = CA_PEM
        begin retry
        * * F,1h,1m
        begin authenticators
        .include DEBIAN_AUTH
        """.replace("DIR", dir.toString()).replace("SES_HOST", RotationStand.SES_HOST)
        .replace("CA_PEM", caPem.toString())
        .replace("DEBIAN_AUTH", DebianStockExim.STOCK_CLIENT_AUTHENTICATORS.toString()));
    EximRelay relay = new EximRelay(dir, hosts, conf, targets, caPem, forwarder);
    try {
      relay.startExim();
    } catch (Exception e) {
      relay.close();
      throw e;
    }
    return relay;
  }

  /** The targets file that renders passwd.client and the PHPMailer settings from entry "prod". */
  Path targets() {
    return targets;
  }

  long eximPid() {
    return exim.pid();
  }

  boolean eximAlive() {
    return exim.isAlive();
  }

  /** The command line, run in a private mount namespace whose /etc/hosts is ours. */
  private List<String> withOurHosts(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
        "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts.toString()));
    argv.addAll(command);
    return argv;
  }

  private void startExim() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    exim = new ProcessBuilder(withOurHosts(List.of(MailStack.require("exim"), "-bdf", "-oX",
        Integer.toString(port), "-oP", dir.resolve("exim.pid").toString(), "-C", conf.toString())))
        .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile()).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      if (!exim.isAlive()) {
        throw new IllegalStateException("exim exited: " + Files.readString(dir.resolve("daemon.out")) + log("main")
            + log("panic"));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("exim did not listen on " + port);
  }

  String log(String which) throws IOException {
    Path p = dir.resolve("log").resolve(which + "log");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  /** A mail session that submits to the Exim daemon over SMTP (Exim then relays on its own). */
  Session submission() {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", Integer.toString(port));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    return Session.getInstance(props);
  }

  static MimeMessage message(Session session, String subject) throws Exception {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("sender@sesame-test.invalid"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.com"));
    message.setSubject(subject);
    message.setText("body of " + subject);
    return message;
  }

  /** Submits one message with SUBJECT to the Exim daemon. */
  void submit(String subject) throws Exception {
    Transport.send(message(submission(), subject));
  }

  /** Sends one message from FROM with PHPMailer and the rendered settings file; returns php's output. */
  String sendWithPhpMailer(String from) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(withOurHosts(List.of("php", Path.of("docs/examples/phpmailer-send.php")
        .toAbsolutePath().toString(), dir.resolve("smtp.php").toString(), "rcpt@example.com", from)))
        .redirectErrorStream(true);
    pb.environment().put("SMTP_CA_FILE", caPem.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("phpmailer-send failed: " + out);
    }
    return out;
  }

  /** Messages in Exim's queue (exim -bpc). */
  int queueCount() throws Exception {
    Process p = new ProcessBuilder(MailStack.require("exim"), "-C", conf.toString(), "-bpc")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("exim -bpc hangs");
    }
    return Integer.parseInt(out);
  }

  @Override
  public void close() throws Exception {
    if (exim != null) {
      exim.destroy();
      if (!exim.waitFor(5, TimeUnit.SECONDS)) {
        exim.destroyForcibly();
      }
    }
    forwarder.close();
  }
}
