package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.MailStack;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.TrickyPasswords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered sasl_passwd read back by Postfix's own postmap: `postmap -q "[host]:port"` returns
 * exactly login:password for every tricky password. postmap comes from .ci/install-postmap.
 */
@Tag("mail-stack")
class PostfixPostmapTest {
  private static final Path POSTFIX = Path.of("/opt/sesame-test/postfix");
  private static final String HOST = "email-smtp.eu-west-1.amazonaws.com";

  @TempDir
  Path dir;
  private Path config;

  @BeforeEach
  void postfixConfig() throws Exception {
    MailStack.requirePostmap();
    config = Files.createDirectories(dir.resolve("conf"));
    // postmap reads main.cf and insists on distinct mail_owner / setgid_group / default_privs ids.
    writeSettled(config.resolve("main.cf"),
        "compatibility_level = 3.6\nmail_owner = daemon\nsetgid_group = mail\ndefault_database_type = hash\n");
  }

  /**
   * Writes a Postfix configuration file dated a minute back: Postfix takes main.cf only once its
   * modification time is a second or two past, re-reading it every 0.3 s until then ("pausing to let
   * %s cool down", libpostfix-util), which cost each test's first postmap or postconf run up to 2 s.
   */
  private static void writeSettled(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
  }

  @Test
  void postmapReadsBackTheExactLoginAndPassword() throws Exception {
    for (String password : TrickyPasswords.EACH) {
      if (!password.equals(password.strip())) {
        continue;
      }
      Path map = dir.resolve("sasl_passwd");
      Files.writeString(map, render(password), StandardCharsets.UTF_8);
      assertThat(postmap(map.toString())).isEmpty();
      assertThat(postmap("-q", "[" + HOST + "]:587", map.toString())).as(password)
          .isEqualTo("AKIAEXAMPLE:" + password);
    }
  }

  @Test
  void aLoginWithAColonOrAPasswordPostmapWouldTrimIsRefused() {
    for (String[] bad : new String[][] {{"AKIA:X", "pw-zq7"}, {"AKIA", " lead-zq7"}, {"AKIA", "trail-zq7 "}}) {
      MapFieldSource fields = MapFieldSource.ses("ses", HOST, 587, bad[0], bad[1]);
      assertThatThrownBy(() -> new Renderer().renderToString(target(), fields))
          .isInstanceOf(RenderException.class)
          .satisfies(e -> assertThat(((RenderException) e).reason()).isEqualTo(RenderException.Reason.UNSAFE_VALUE))
          .hasMessageNotContaining("zq7");
    }
  }

  /** main.cf.snippet appended to a main.cf: Postfix's own postconf reads every line as meant. */
  @Test
  void postconfReadsTheMainCfSnippet() throws Exception {
    Target snippet = Target.of("ses", Path.of("templates/postfix/main.cf.snippet"), dir.resolve("s"), Format.RAW);
    String lines = new Renderer().renderToString(snippet, MapFieldSource.ses("ses", HOST, 587, "AKIAEXAMPLE", "x"));
    writeSettled(config.resolve("main.cf"), Files.readString(config.resolve("main.cf")) + lines);
    List<String> command = List.of(POSTFIX.resolve("usr/sbin/postconf").toString(), "-c", config.toString(),
        "-h", "relayhost", "smtp_sasl_auth_enable", "smtp_sasl_password_maps", "smtp_tls_security_level");
    // stderr (a warning about the absent master.cf) is not part of the answer.
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("LD_LIBRARY_PATH", POSTFIX.resolve("usr/lib/postfix").toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    assertThat(out).isEqualTo("[" + HOST + "]:587\nyes\nhash:/etc/postfix/sasl_passwd\nencrypt\n");
  }

  private Target target() {
    return Target.of("ses", Path.of("templates/postfix/sasl_passwd"), dir.resolve("out"), Format.POSTFIX);
  }

  private String render(String password) throws Exception {
    return new Renderer().renderToString(target(), MapFieldSource.ses("ses", HOST, 587, "AKIAEXAMPLE", password));
  }

  private String postmap(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(POSTFIX.resolve("usr/sbin/postmap").toString(), "-c",
        config.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LD_LIBRARY_PATH", POSTFIX.resolve("usr/lib/postfix").toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).as("postmap %s: %s", args, out).isZero();
    return out;
  }
}
