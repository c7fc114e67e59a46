package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `sesame render` shows, through the CLI: a dry run's unified diff on stdout with every
 * secret (old and new) masked, --exit-code 9/0, a failing check/restart/health command's last
 * lines with secrets masked, exit 10 after a rollback, and --output json.
 */
class RenderOutputCliTest {
  private static final String SECRET = "n3w'S3cr:t/+zq7";
  private static final String OLD_SECRET = "OLDSECRET-zq1";

  @TempDir
  Path dir;
  private SesameCli sesame;
  private Path template;
  private Path out;

  @BeforeEach
  void vaultWithARelay() throws Exception {
    sesame = SesameCli.withTmpDir(dir).env("SESAME_VAULT", dir.resolve("vault.json").toString())
        .env("SESAME_KEY_FILE", dir.resolve("vault.key").toString());
    assertThat(sesame.run("init").exitCode()).isZero();
    SesameCli.Result put = sesame.runWithStdin(SECRET + "\n", "put", "relay", "--host", "smtp.example.com",
        "--port", "587", "--smtp-username", "mailer", "--smtp-password-stdin");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    template = dir.resolve("app.conf.tpl");
    Files.writeString(template, "# app\nlogin=${smtp_username}\npass=${smtp_password}\nphp=${smtp_password}\nend\n");
    out = dir.resolve("app.conf");
    Files.writeString(out, "# app\nlogin=mailer\npass=" + OLD_SECRET + "\nphp=" + OLD_SECRET + "\nend\n");
  }

  private SesameCli.Result render(String... extra) {
    String[] base = {"render", "--entry", "relay", "--template", template.toString(), "--format", "raw",
        "--out", out.toString(), "--mode", "0600"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return sesame.run(args);
  }

  private static void noSecretIn(SesameCli.Result result) {
    String base64 = Base64.getEncoder().encodeToString(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(result.out() + result.err()).doesNotContain(SECRET).doesNotContain(OLD_SECRET)
        .doesNotContain("S3cr").doesNotContain(base64);
  }

  @Test
  void dryRunPrintsAUnifiedDiffWithOldAndNewSecretsMasked() throws Exception {
    String before = Files.readString(out);
    SesameCli.Result dry = render("--dry-run");
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains("--- " + out, "+++ " + out, "@@ -1,5 +1,5 @@", " # app", " login=mailer",
        "-pass=********", "+pass=********", "-php=********", "+php=********", " end");
    noSecretIn(dry);
    assertThat(dry.err()).contains("would change " + out);
    assertThat(Files.readString(out)).isEqualTo(before);
  }

  @Test
  void exitCodeIsNineWhileSomethingWouldChangeAndZeroAfterwards() {
    assertThat(render("--dry-run", "--exit-code").exitCode()).isEqualTo(9);
    assertThat(render().exitCode()).isZero();
    SesameCli.Result clean = render("--dry-run", "--exit-code");
    assertThat(clean.exitCode()).as(clean.toString()).isZero();
    assertThat(clean.out()).isEmpty();
    assertThat(render("--exit-code").exitCode()).isEqualTo(2);
  }

  @Test
  void aNewFileIsDiffedAgainstDevNull() throws Exception {
    Files.delete(out);
    SesameCli.Result dry = render("--dry-run");
    assertThat(dry.out()).contains("new file mode 0600", "--- /dev/null", "+pass=********");
    noSecretIn(dry);
  }

  @Test
  void aModeChangeIsShownLikeGitDoes() throws Exception {
    assertThat(render().exitCode()).isZero();
    SesameCli.Result dry = sesame.run("render", "--entry", "relay", "--template", template.toString(),
        "--format", "raw", "--out", out.toString(), "--mode", "0640", "--dry-run", "--exit-code");
    assertThat(dry.exitCode()).isEqualTo(9);
    assertThat(dry.out()).contains("old mode 0600\nnew mode 0640\n");
  }

  @Test
  void aFailingCheckShowsItsLastLinesWithSecretsMasked() throws Exception {
    String before = Files.readString(out);
    SesameCli.Result failed = render("--check",
        "for i in $(seq 1 30); do echo noise $i; done; cat {}; base64 {} >/dev/null; echo 'bad line 4' >&2; exit 3");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(6);
    assertThat(failed.err()).contains("check rejected the candidate for " + out + " (exit 3)")
        .contains("  | pass=********").contains("  | bad line 4").contains("  | noise 30")
        .doesNotContain("noise 14\n");
    noSecretIn(failed);
    assertThat(Files.readString(out)).isEqualTo(before);
  }

  @Test
  void aFailedRestartIsRolledBackAndExitsTen() throws Exception {
    String before = Files.readString(out);
    SesameCli.Result failed = render("--restart", "cat " + out + "; exit 1");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(10);
    assertThat(failed.err()).contains("restart command failed (exit 1)").contains("previous files restored")
        .contains("  | pass=********");
    noSecretIn(failed);
    assertThat(Files.readString(out)).isEqualTo(before);
  }

  @Test
  void aFailedHealthCheckIsRolledBackAndExitsTen() throws Exception {
    String before = Files.readString(out);
    SesameCli.Result failed = render("--health", "echo unhealthy; exit 7");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(10);
    assertThat(failed.err()).contains("health command failed (exit 7)").contains("  | unhealthy");
    assertThat(Files.readString(out)).isEqualTo(before);
  }

  @Test
  void jsonOutputIsOneObjectOnStdoutWithProgressOnStderr() throws Exception {
    SesameCli.Result dry = render("--dry-run", "--output", "json");
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(dry.out());
    assertThat(result.path("ok").asBoolean()).isTrue();
    assertThat(result.path("dry_run").asBoolean()).isTrue();
    assertThat(result.path("targets").get(0).path("status").asText()).isEqualTo("would_change");
    assertThat(result.path("targets").get(0).path("diff").asText()).contains("+pass=********");
    assertThat(dry.err()).contains("would change");
    noSecretIn(dry);

    SesameCli.Result done = render("--output", "json");
    JsonNode applied = new ObjectMapper().readTree(done.out());
    assertThat(applied.path("changed").asBoolean()).isTrue();
    assertThat(applied.path("targets").get(0).path("status").asText()).isEqualTo("changed");
  }

  @Test
  void jsonOutputOfAFailureCarriesTheExitCodeAndTheMaskedOutput() throws Exception {
    SesameCli.Result failed = render("--check", "cat {}; exit 1", "--output", "json");
    assertThat(failed.exitCode()).isEqualTo(6);
    JsonNode result = new ObjectMapper().readTree(failed.out());
    assertThat(result.path("ok").asBoolean()).isFalse();
    assertThat(result.path("exit_code").asInt()).isEqualTo(6);
    assertThat(result.path("error").asText()).contains("check rejected");
    assertThat(result.path("command_output").toString()).contains("pass=********");
    noSecretIn(failed);
  }
}
