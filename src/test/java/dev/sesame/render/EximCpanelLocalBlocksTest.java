package dev.sesame.render;

import dev.sesame.testing.CommandRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * templates/cpanel-exim/exim.conf.local.sesame as a cpanel-exim-local target: Sesame's blocks kept
 * inside an /etc/exim.conf.local that has every WHM section marker and an admin's own lines,
 * idempotently and without touching anything else; then the sections placed where cPanel's
 * buildeximconf puts them (AUTH in the authenticators, POSTMAILCOUNT among the routers before the
 * remote ones, TRANSPORTSTART at the start of the transports) into upstream Exim's default
 * configure, which `exim -bV` accepts, which relays a verified sender's mail through the SES
 * stand-in and leaves an unverified sender's mail to the stock routers.
 *
 * <p>No cPanel server is available here: the placement of the sections stands in for
 * buildeximconf, and the base is upstream's configure, not cPanel's own template.
 */
@Tag("mail-stack")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EximCpanelLocalBlocksTest {
  private static final Path TEMPLATE =
      Path.of("templates/cpanel-exim/exim.conf.local.sesame").toAbsolutePath();
  private static final String USER = "AKIAEXAMPLECPANEL";
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  /** Every marker WHM writes, in its order, with an admin's own lines in two sections. */
  private static final String EXIM_CONF_LOCAL = """
      @AUTH@

      @BEGINACL@

      @CONFIG@
      # the admin's own setting, kept as is
      message_size_limit = 50M

      @DIRECTOREND@

      @DIRECTORMIDDLE@

      @DIRECTORSTART@

      @ENDACL@

      @POSTMAILCOUNT@

      @PREDOTFORWARD@

      @PREFILTER@

      @PRELOCALUSER@

      @PRENOALIASDISCARD@

      @PREROUTERS@

      @PREVALIASNOSTAR@

      @PREVALIASSTAR@

      @PREVIRTUALUSER@

      @RETRYEND@

      @RETRYSTART@

      @REWRITE@

      @ROUTEREND@

      @ROUTERMIDDLE@

      @ROUTERSTART@

      @TRANSPORTEND@

      @TRANSPORTMIDDLE@

      @TRANSPORTSTART@
      admin_pipe:
        driver = pipe
        command = /bin/true
      """;
  private static Path dir;
  private static Path local;
  private static SesStandIn ses;
  private static TestCertificate cert;

  @BeforeAll
  static void start() throws Exception {
    MailStack.require("exim");
    dir = EximDaemon.workDir("sesame-exim-cpanel");
    cert = TestCertificate.create(dir);
    ses = SesStandIn.accepting(cert.serverContext(), USER, TrickyPasswords.ALL);
    local = dir.resolve("exim.conf.local");
    Files.writeString(local, EXIM_CONF_LOCAL);
  }

  @AfterAll
  static void stop() throws Exception {
    if (ses != null) {
      ses.close();
    }
    EximDaemon.deleteTree(dir);
  }

  private static MapFieldSource fields(int port) {
    return MapFieldSource.ses("ses", SesStandIn.ADDRESS, port, USER, TrickyPasswords.ALL);
  }

  private static RenderReport renderBlocks(int port) throws Exception {
    return new Renderer().apply(List.of(Target.of("ses", TEMPLATE, local, Format.EXIM)
        .withKind(Target.Kind.CPANEL_EXIM_LOCAL)), fields(port), false, QUIET);
  }

  /** The file with every Sesame block cut out: must equal what the admin had. */
  private static String withoutSesameBlocks(String text) {
    return text.replaceAll("(?s)# BEGIN sesame ses [^\n]*\n.*?# END sesame ses\n", "");
  }

  @Test
  @Order(1)
  void oneBlockPerSectionAndNothingElseChanges() throws Exception {
    assertThat(renderBlocks(ses.port()).targets().get(0).status())
        .isEqualTo(RenderReport.Status.CHANGED);
    String after = Files.readString(local);
    assertThat(withoutSesameBlocks(after)).isEqualTo(EXIM_CONF_LOCAL);
    for (String marker : List.of("@AUTH@", "@POSTMAILCOUNT@", "@TRANSPORTSTART@")) {
      assertThat(after).contains(marker + "\n# BEGIN sesame ses (managed by sesame render;");
    }
    assertThat(after.split("# BEGIN sesame ses", -1)).hasSize(4);
    assertThat(after).doesNotContain("${smtp_host}").doesNotContain("$${")
        .doesNotContain(TrickyPasswords.ALL).doesNotContain("###");
  }

  @Test
  @Order(2)
  void secondRunChangesNothing() throws Exception {
    String before = Files.readString(local);
    assertThat(renderBlocks(ses.port()).targets().get(0).status())
        .isEqualTo(RenderReport.Status.UNCHANGED);
    assertThat(Files.readString(local)).isEqualTo(before);
  }

  @Test
  @Order(3)
  void aChangedFieldReplacesTheBlockInPlace() throws Exception {
    renderBlocks(2587);
    String after = Files.readString(local);
    assertThat(after).contains("port = \"2587\"").doesNotContain("port = \"" + ses.port() + "\"");
    assertThat(after.split("# BEGIN sesame ses", -1)).hasSize(4);
    assertThat(withoutSesameBlocks(after)).isEqualTo(EXIM_CONF_LOCAL);
    renderBlocks(ses.port());
  }

  @Test
  @Order(4)
  void aFileWithoutTheMarkersIsRefusedAndKept() throws Exception {
    Path bare = dir.resolve("bare.conf.local");
    Files.writeString(bare, "@CONFIG@\nkeep_me = 1\n");
    assertThatThrownBy(() -> new Renderer().apply(List.of(Target.of("ses", TEMPLATE, bare,
        Format.EXIM).withKind(Target.Kind.CPANEL_EXIM_LOCAL)), fields(ses.port()), false, QUIET))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("no @AUTH@ line").hasMessageContaining("Advanced Editor");
    assertThat(Files.readString(bare)).isEqualTo("@CONFIG@\nkeep_me = 1\n");
  }

  @Test
  @Order(5)
  void sectionsBuildAValidConfigThatRoutesOnlyVerifiedSendersToSes() throws Exception {
    Map<String, String> sections = EximLocalBlocks.sections(Files.readString(local), "test");
    String config = UpstreamDefaultExim.text();
    config = UpstreamDefaultExim.insertAfterBegin(config, "routers", sections.get("@POSTMAILCOUNT@"));
    config = UpstreamDefaultExim.insertAfterBegin(config, "transports", sections.get("@TRANSPORTSTART@"));
    config = UpstreamDefaultExim.insertAfterBegin(config, "authenticators", sections.get("@AUTH@"));
    Path built = dir.resolve("exim.conf");
    // The test environment (private spool, logs, and the files cPanel keeps in /etc), then
    // @CONFIG@ as buildeximconf puts it in the main section, then the rest.
    Files.writeString(built, """
        spool_directory = DIR/spool
        log_file_path = DIR/log/%slog
        primary_hostname = cpanel.sesame-test.invalid
        SESAME_DOMAINS = DIR/exim_sesame_domains
        SESAME_TLS_CA = DIR/server.pem
        """.replace("DIR", dir.toString()) + sections.get("@CONFIG@")
        + config.replace("/etc/exim_sesame.passwd", dir.resolve("exim_sesame.passwd").toString()));
    Files.writeString(dir.resolve("exim_sesame_domains"), "verified.example\nsolo@other.example\n");
    new Renderer().apply(List.of(Target.of("ses",
        Path.of("templates/cpanel-exim/sesame-smtp.passwd").toAbsolutePath(),
        dir.resolve("exim_sesame.passwd"), Format.EXIM_PASSWD).withMode(0640)
        .withOwnership("root", EximDaemon.EXIM_USER)), fields(ses.port()), false, QUIET);

    CommandRun.Result valid = UpstreamDefaultExim.exim(List.of("-bV", "-C", built.toString()), null);
    assertThat(valid.status()).as(valid.output()).isZero();

    for (String sender : List.of("web@verified.example", "solo@other.example")) {
      int before = ses.deliveries().size();
      CommandRun.Result sent = UpstreamDefaultExim.exim(List.of("-C", built.toString(),
          "-f", sender, "-odf", "-v", "-i", "rcpt@example.com"), "Subject: from " + sender + "\n\nbody\n");
      assertThat(ses.awaitDeliveries(before + 1, Duration.ofSeconds(20)))
          .as("exim output:\n%s", sent.output()).hasSize(before + 1);
      assertThat(sent.output()).containsPattern("=> rcpt@example\\.com R=sesame_ses_smarthost"
          + " T=sesame_ses_smtp .* CV=yes .*A=sesame_ses_login ");
    }

    // An unverified sender: the Sesame router is skipped, the stock routers take over.
    List<String> route = new ArrayList<>(List.of("-C", built.toString(), "-d+route", "-f",
        "web@unverified.example", "-bt", "rcpt@example.com"));
    CommandRun.Result skipped = UpstreamDefaultExim.exim(route, null);
    assertThat(skipped.output()).contains("sesame_ses_smarthost router skipped: condition failure")
        .contains("--------> dnslookup router <--------");
  }
}
