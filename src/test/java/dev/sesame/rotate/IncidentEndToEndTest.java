package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.ses.SmtpPassword;
import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.MailStack;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.vault.Credential;
import dev.sesame.vault.Label;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * docs/runbooks/incident-response.md, "From a plain-text credential", step by step through the
 * real CLI (in process) against the AWS stand-in (IAM/STS over the real SDK), an SES SMTP stand-in
 * that accepts exactly the Active keys, and a real Exim daemon whose exim.conf starts with the SES
 * credential inline, as blog posts set it up:
 * scan finds it, import seals it, render puts the shipped RHEL templates over the plain-text file
 * (the host only sends, so the send-only exim.conf alternative; the credential now in a 0640
 * file), and revoke deactivates the leaked key and issues a new one
 * that Exim uses for the very next message, with no restart.
 *
 * <p>Exim runs in a private mount namespace whose /etc/hosts maps the SES host name to a loopback
 * forwarder to the stand-in (as in {@link EximRelay}); nothing on the machine changes. Needs root,
 * exim and unshare.
 */
@Tag("mail-stack")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncidentEndToEndTest {
  private static final String ENTRY = "mail";

  private static Path dir;
  private static Path etc;
  private static Path eximConf;
  private static Path passwdFile;
  private static Path targets;
  private static RotationStand stand;
  private static String leakedKey;
  private static String leakedPassword;
  private static NamespacedExim exim;

  @BeforeAll
  static void hostWithTheCredentialInEximConf() throws Exception {
    MailStack.require("exim");
    MailStack.require("unshare");
    dir = EximDaemon.workDir("sesame-incident");
    StandCertificate cert = StandCertificate.create(dir);
    Path world = Files.createDirectory(dir.resolve("world"));
    stand = RotationStand.start(world, cert, 587);
    // This host has no vault yet: the runbook starts with `sesame init`.
    try (Stream<Path> files = Files.list(world)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("vault.")).toList()) {
        Files.delete(file);
      }
    }
    leakedKey = stand.firstKey;
    IamState.Key key = stand.iam.key(leakedKey).orElseThrow();
    leakedPassword = SmtpPassword.derive(key.secret(), RotationStand.REGION);

    etc = Files.createDirectories(dir.resolve("etc/exim"));
    eximConf = etc.resolve("exim.conf");
    passwdFile = etc.resolve("sesame-smtp.passwd");
    Path caPem = dir.resolve("ses-ca.pem");
    Files.copy(stand.caPem, caPem);
    Files.setPosixFilePermissions(caPem, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(eximConf, """
        # Outgoing mail through Amazon SES (set up from a blog post: the credential inline).
        spool_directory = SESAME_SPOOL
        log_file_path = SESAME_LOG
        domainlist local_domains = @ : localhost
        acl_smtp_rcpt = acl_check_rcpt
        tls_advertise_hosts =
        begin acl
        acl_check_rcpt:
          accept  hosts = :
          accept  hosts = <; 127.0.0.1 ; ::1
          deny
        begin routers
        ses_smarthost:
          driver = manualroute
          domains = ! +local_domains
          transport = ses_smtp
          route_data = @SES_HOST@
          no_more
        begin transports
        ses_smtp:
          driver = smtp
          port = 587
          hosts_require_tls = *
          hosts_require_auth = *
          tls_verify_hosts = *
          tls_verify_certificates = SESAME_TLS_CA
        begin retry
        *   *   F,1h,1m
        begin authenticators
        ses_login:
          driver = plaintext
          public_name = LOGIN
          client_send = : @KEY_ID@ : @PASSWORD@
        """.replace("@SES_HOST@", RotationStand.SES_HOST).replace("@KEY_ID@", leakedKey)
        .replace("@PASSWORD@", leakedPassword));
    Files.setPosixFilePermissions(eximConf, PosixFilePermissions.fromString("rw-r--r--"));
    // The host's own paths for the macros both configurations use (spool, log, CA, password file).
    Path wrapper = dir.resolve("exim-host.conf");
    Files.writeString(wrapper, """
        SESAME_PASSWD_FILE = @PASSWD@
        SESAME_TLS_CA = @CA@
        SESAME_SPOOL = @DIR@/spool
        SESAME_LOG = @DIR@/log/%slog
        .include @CONF@
        """.replace("@PASSWD@", passwdFile.toString()).replace("@CA@", caPem.toString())
        .replace("@DIR@", dir.toString()).replace("@CONF@", eximConf.toString()));
    targets = dir.resolve("targets.toml");
    String root = Path.of("").toAbsolutePath().toString();
    Files.writeString(targets, """
        [[target]]
        entry = "@ENTRY@"
        template = "@ROOT@/templates/rhel-exim/sesame-smtp.passwd"
        out = "@PASSWD@"
        format = "exim-passwd"
        mode = "0640"
        owner = "root"
        group = "Debian-exim"

        [[target]]
        entry = "@ENTRY@"
        template = "@ROOT@/templates/rhel-exim/send-only-exim.conf"
        out = "@CONF@"
        format = "exim"
        mode = "0644"
        check = "@EXIM@ -bV -C {}"
        restart = "kill -HUP $(cat @DIR@/exim.pid)"
        """.replace("@ENTRY@", ENTRY).replace("@ROOT@", root).replace("@PASSWD@", passwdFile.toString())
        .replace("@CONF@", eximConf.toString()).replace("@EXIM@", MailStack.require("exim"))
        .replace("@DIR@", dir.toString()));
    exim = NamespacedExim.start(dir, wrapper, stand);
  }

  @AfterAll
  static void stop() throws Exception {
    if (exim != null) {
      exim.close();
    }
    if (stand != null) {
      stand.close();
    }
    EximDaemon.deleteTree(dir);
  }

  @Test
  @Order(1)
  void theLeakedKeySendsThroughThePlainTextConfig() throws Exception {
    exim.submit("before the incident");

    assertThat(awaitDelivery("before the incident").username()).isEqualTo(leakedKey);
  }

  @Test
  @Order(2)
  void scanFindsThePlainTextCredentialAndNamesNoSecret() throws Exception {
    CliResult scan = stand.sesame("scan", etc.toString());

    assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(11);
    assertThat(scan.out()).isEqualTo(eximConf + ":" + lineOf(eximConf, "client_send") + ": ses-smtp-password "
        + leakedKey + " (exim; 0644 root:root, readable by every local user)\n");
    assertThat(scan.out() + scan.err()).doesNotContain(leakedPassword);
  }

  @Test
  @Order(3)
  void importSealsItWithHostPortAndRegion() throws Exception {
    CliResult init = stand.sesame("init");
    assertThat(init.exitCode()).as(init.toString()).isZero();

    CliResult imported = stand.sesame("import", ENTRY, "--from", eximConf.toString());

    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.out() + imported.err()).doesNotContain(leakedPassword);
    Credential sealed = current();
    assertThat(sealed.fields()).containsEntry(Credential.SMTP_USERNAME, leakedKey)
        .containsEntry(Credential.SMTP_PASSWORD, leakedPassword)
        .containsEntry(Credential.SMTP_HOST, RotationStand.SES_HOST)
        .containsEntry(Credential.SMTP_PORT, "587")
        .containsEntry(Credential.REGION, RotationStand.REGION)
        .containsEntry(Credential.IAM_USER, "");
    assertThat(sealed.secretAccessKeyUnknown()).isTrue();
  }

  @Test
  @Order(4)
  void renderPutsTheTemplatesOverThePlainTextFile() throws Exception {
    long pid = exim.pid();

    CliResult render = stand.sesame("render", "--targets", targets.toString());

    assertThat(render.exitCode()).as(render.toString()).isZero();
    assertThat(Files.readString(eximConf)).doesNotContain(leakedPassword).doesNotContain(leakedKey);
    PosixFileAttributes passwd = Files.readAttributes(passwdFile, PosixFileAttributes.class);
    assertThat(PosixFilePermissions.toString(passwd.permissions())).isEqualTo("rw-r-----");
    assertThat(passwd.group().getName()).isEqualTo(EximDaemon.EXIM_USER);
    // Exim re-read its configuration (SIGHUP re-executes it in place) and sends with the sealed credential.
    exim.awaitGreeting();
    assertThat(exim.pid()).isEqualTo(pid);
    exim.submit("through the rendered config");
    assertThat(awaitDelivery("through the rendered config").username()).isEqualTo(leakedKey);
    // Left in plain text: the 0640 file Exim reads, and the renderer's one backup of the old
    // exim.conf (kept for rollback, with the old file's mode). Scan names both.
    Path backup = etc.resolve("exim.conf.bak");
    CliResult scan = stand.sesame("scan", etc.toString());
    assertThat(scan.out()).isEqualTo(
        backup + ":" + lineOf(backup, "client_send") + ": ses-smtp-password " + leakedKey
            + " (exim; 0644 root:root, readable by every local user)\n"
        + passwdFile + ":" + lineOf(passwdFile, leakedKey) + ": ses-smtp-password " + leakedKey
            + " (exim-passwd; 0640 root:" + EximDaemon.EXIM_USER + ")\n");
  }

  @Test
  @Order(5)
  void revokeDeactivatesTheLeakedKeyAndEximUsesTheNewOneForTheNextMessage() throws Exception {
    long pid = exim.pid();
    stand.aws.standIn().clearCalls();

    CliResult revoke = stand.sesame("revoke", ENTRY, "--targets", targets.toString());

    assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
    assertThat(revoke.out()).contains("IAM says access key " + leakedKey + " belongs to " + RotationStand.USER)
        .contains("deactivated " + leakedKey);
    assertThat(stand.aws.standIn().calls()).extracting(c -> c.action()).contains("GetAccessKeyLastUsed");
    String newKey = current().field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(newKey).isNotEqualTo(leakedKey);
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(stand.ses.wouldAccept(leakedKey, leakedPassword)).isFalse();
    assertThat(current().field(Credential.IAM_USER)).contains(RotationStand.USER);
    assertThat(Files.readString(passwdFile)).contains(newKey).doesNotContain(leakedKey);
    assertThat(revoke.out() + revoke.err()).doesNotContain(leakedPassword)
        .doesNotContain(current().field(Credential.SMTP_PASSWORD).orElseThrow());

    exim.submit("after the revoke");

    assertThat(awaitDelivery("after the revoke").username()).isEqualTo(newKey);
    assertThat(exim.pid()).as("no restart: Exim looks the password file up at every delivery").isEqualTo(pid);
  }

  @Test
  @Order(6)
  void afterTheRevokeTheBackupsHoldOnlyTheDeadKeyAndOnceRemovedTheScanIsClean() throws Exception {
    // The renderer's rollback copies: the plain-text exim.conf, and the password file before the revoke.
    List<Path> backups = List.of(etc.resolve("exim.conf.bak"), etc.resolve("sesame-smtp.passwd.bak"));
    for (Path backup : backups) {
      assertThat(Files.readString(backup)).contains(leakedKey);
    }
    assertThat(stand.iam.key(leakedKey)).as("the backups' key is deleted from IAM").isEmpty();
    for (Path backup : backups) {
      Files.delete(backup);
    }

    CliResult scan = stand.sesame("scan", etc.toString(), "--exclude", passwdFile.toString());

    assertThat(scan.exitCode()).as(scan.toString()).isZero();
    assertThat(scan.err()).contains("1 excluded").contains("0 credentials found");
  }

  private static Credential current() throws Exception {
    try (dev.sesame.vault.Vault opened = dev.sesame.vault.Vault.open(stand.vault,
        List.of(dev.sesame.vault.KeyFileKeySource.load(stand.keyFile)))) {
      return opened.get(ENTRY, Label.CURRENT).credential();
    }
  }

  private static int lineOf(Path file, String text) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + file);
  }

  private static SesStandIn.Delivery awaitDelivery(String subject) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      for (SesStandIn.Delivery d : stand.deliveries()) {
        if (d.data().contains("Subject: " + subject)) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no delivery of " + subject + "; exim main log:\n" + exim.log("main") + exim.log("panic"));
  }

  /**
   * A real Exim daemon on loopback, run as `exim -bdf -C HOST_CONF` in a private mount namespace
   * whose /etc/hosts sends {@value RotationStand#SES_HOST} to a forwarder to the SES stand-in on
   * port 587 of a loopback address of its own.
   */
  private static final class NamespacedExim implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;
    private final LoopbackForwarder forwarder;

    private NamespacedExim(Path dir, Process process, int port, LoopbackForwarder forwarder) {
      this.dir = dir;
      this.process = process;
      this.port = port;
      this.forwarder = forwarder;
    }

    static NamespacedExim start(Path dir, Path config, RotationStand stand) throws Exception {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String sesAddress = "127." + random.nextInt(10, 250) + "." + random.nextInt(1, 250) + "."
          + random.nextInt(1, 250);
      LoopbackForwarder forwarder = LoopbackForwarder.start(sesAddress, 587,
          new InetSocketAddress(SesStandIn.ADDRESS, stand.ses.port()));
      Path hosts = dir.resolve("hosts");
      Files.writeString(hosts, "127.0.0.1 localhost\n" + sesAddress + " " + RotationStand.SES_HOST + "\n");
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        port = s.getLocalPort();
      }
      List<String> argv = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
          "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts.toString(), MailStack.require("exim"), "-bdf",
          "-oX", Integer.toString(port), "-oP", dir.resolve("exim.pid").toString(), "-C", config.toString()));
      Process process = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(dir.resolve("daemon.out").toFile()).start();
      NamespacedExim exim = new NamespacedExim(dir, process, port, forwarder);
      try {
        exim.awaitGreeting();
      } catch (Exception e) {
        exim.close();
        throw new IllegalStateException("exim did not start: " + Files.readString(dir.resolve("daemon.out"))
            + exim.log("main") + exim.log("panic"), e);
      }
      return exim;
    }

    long pid() {
      return process.pid();
    }

    /** Waits (bounded) until the daemon greets a new connection: after SIGHUP it re-opens its socket. */
    void awaitGreeting() throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < end) {
        if (!process.isAlive()) {
          throw new IllegalStateException("exim exited");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.setSoTimeout(2000);
          String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
              java.nio.charset.StandardCharsets.US_ASCII)).readLine();
          if (line != null && line.startsWith("220")) {
            return;
          }
        } catch (IOException notYet) {
          // listening again in a moment
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("exim gave no 220 greeting on " + port);
    }

    void submit(String subject) throws Exception {
      Properties props = new Properties();
      props.put("mail.smtp.host", "127.0.0.1");
      props.put("mail.smtp.port", Integer.toString(port));
      props.put("mail.smtp.connectiontimeout", "10000");
      props.put("mail.smtp.timeout", "10000");
      Transport.send(EximRelay.message(Session.getInstance(props), subject));
    }

    String log(String which) throws IOException {
      Path p = dir.resolve("log").resolve(which + "log");
      return Files.exists(p) ? Files.readString(p) : "";
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      forwarder.close();
    }
  }
}
