package dev.sesame.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.MailStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * templates/fail2ban against the real thing: a real Exim daemon is driven by swaks into each abuse
 * (bad AUTH over LOGIN and PLAIN, a relay attempt, a connection dropped right after AUTH) and into
 * look-alikes that must not be banned (an authenticated session that hangs up, a client that only
 * says EHLO, a failed AUTH followed by QUIT); then Debian's fail2ban-regex runs the filter over
 * Exim's own main log, and fail2ban-client validates the jail.
 */
@Tag("mail-stack")
class Fail2banTemplateTest {
  private static final Path FILTER = Path.of("templates/fail2ban/filter.d/sesame-exim.conf").toAbsolutePath();
  private static final Path JAIL = Path.of("templates/fail2ban/jail.d/sesame-exim.local").toAbsolutePath();
  private static Path dir;
  private static EximDaemon exim;
  private static String mainlog;

  @BeforeAll
  static void abuseARealExim() throws Exception {
    MailStack.require("swaks");
    MailStack.require("fail2ban-regex");
    dir = EximDaemon.workDir("sesame-fail2ban");
    Path conf = dir.resolve("exim.conf");
    Files.writeString(conf, """
        primary_hostname = relay.sesame-test.invalid
        spool_directory = DIR/spool
        log_file_path = DIR/log/%slog
        log_selector = +smtp_connection +incoming_port +smtp_no_mail
        domainlist local_domains = sesame-test.invalid
        acl_smtp_rcpt = acl_rcpt
        tls_advertise_hosts =
        begin acl
        acl_rcpt:
          accept authenticated = *
          accept domains = +local_domains
          deny message = relay not permitted
        begin routers
        begin transports
        begin authenticators
        plain_server:
          driver = plaintext
          public_name = PLAIN
          server_prompts = :
          server_condition = ${if and {{eq{$auth2}{good}}{eq{$auth3}{secret}}}}
          server_set_id = $auth2
        login_server:
          driver = plaintext
          public_name = LOGIN
          server_prompts = Username:: : Password::
          server_condition = ${if and {{eq{$auth1}{good}}{eq{$auth2}{secret}}}}
          server_set_id = $auth1
        """.replace("DIR", dir.toString()));
    exim = EximDaemon.start(dir, conf);
    swaks("guesser-login.test", "--auth", "LOGIN", "--auth-user", "admin", "--auth-password", "guess1", "--quit-after", "AUTH");
    swaks("guesser-plain.test", "--auth", "PLAIN", "--auth-user", "admin", "--auth-password", "guess2", "--quit-after", "AUTH");
    swaks("relayer.test", "--from", "spammer@evil.test", "--to", "victim@elsewhere.test", "--quit-after", "RCPT");
    swaks("dropper.test", "--auth", "LOGIN", "--auth-user", "admin", "--auth-password", "x", "--drop-after-send", "AUTH");
    swaks("customer.test", "--auth", "PLAIN", "--auth-user", "good", "--auth-password", "secret", "--drop-after", "AUTH");
    swaks("greeter.test", "--drop-after", "EHLO");
    swaks("local.test", "--from", "a@sesame-test.invalid", "--to", "b@sesame-test.invalid", "--quit-after", "RCPT");
    // Exim writes the "no MAIL" line when each connection's process ends: wait for all seven.
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    do {
      mainlog = exim.log("main");
      if (count(mainlog, "no MAIL in SMTP connection") >= 5 && mainlog.contains("(greeter.test)")) {
        break;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
  }

  @AfterAll
  static void stop() throws IOException {
    if (exim != null) {
      exim.close();
    }
    EximDaemon.deleteTree(dir);
  }

  private static void swaks(String helo, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(MailStack.require("swaks"), "--server", "127.0.0.1:" + exim.port(),
        "--helo", helo, "--silent", "3"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("swaks hung: " + argv);
    }
  }

  private static int count(String text, String what) {
    return text.split(Pattern.quote(what), -1).length - 1;
  }

  /** fail2ban-regex over LOG: hits per failregex number (1-based), and every matched line. */
  private record Regex(Map<Integer, Integer> hits, List<String> matched, String output) {}

  private static Regex failToBanRegex(Path log) throws Exception {
    Process p = new ProcessBuilder(MailStack.require("fail2ban-regex"), "--print-all-matched", log.toString(),
        FILTER.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    Map<Integer, Integer> hits = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^\\|\\s+(\\d+)\\) \\[(\\d+)\\] \\^").matcher(out);
    while (m.find()) {
      hits.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    List<String> matched = new ArrayList<>();
    boolean inMatched = false;
    for (String line : out.split("\n")) {
      if (line.startsWith("|- Matched line(s):")) {
        inMatched = true;
      } else if (inMatched && line.startsWith("`-")) {
        inMatched = false;
      } else if (inMatched) {
        matched.add(line);
      }
    }
    return new Regex(hits, matched, out);
  }

  @Test
  void eachAbuseIsMatchedInEximsOwnLog() throws Exception {
    Regex r = failToBanRegex(dir.resolve("log/mainlog"));
    assertThat(r.hits()).as(r.output()).containsEntry(1, 3).containsEntry(2, 1).containsEntry(3, 1);
    String matched = String.join("\n", r.matched());
    assertThat(matched).contains("(guesser-login.test) [127.0.0.1]", "(guesser-plain.test) [127.0.0.1]",
        "(relayer.test) [127.0.0.1]", "no MAIL in SMTP connection from (dropper.test)");
  }

  @Test
  void lookAlikesAreNotMatched() throws Exception {
    String matched = String.join("\n", failToBanRegex(dir.resolve("log/mainlog")).matched());
    assertThat(matched).doesNotContain("customer.test", "greeter.test", "local.test")
        .doesNotContain("C=EHLO,AUTH,QUIT");
    assertThat(mainlog).contains("A=plain_server:good C=EHLO,AUTH").contains("(greeter.test)");
  }

  @Test
  void theJailLoadsWithTheFilterInAFail2banConfiguration() throws Exception {
    Path conf = dir.resolve("fail2ban");
    try (var files = Files.walk(Path.of("/etc/fail2ban"))) {
      for (Path source : files.toList()) {
        Path target = conf.resolve(Path.of("/etc/fail2ban").relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!source.getFileName().toString().startsWith("defaults-")) {
          Files.copy(source, target);
        }
      }
    }
    Files.copy(FILTER, conf.resolve("filter.d/sesame-exim.conf"));
    Files.writeString(conf.resolve("jail.d/sesame-exim.local"),
        Files.readString(JAIL).replace("/var/log/exim4/mainlog", dir.resolve("log/mainlog").toString()));
    Process p = new ProcessBuilder(MailStack.require("fail2ban-client"), "-c", conf.toString(), "-t")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("OK: configuration test is successful");
  }
}
