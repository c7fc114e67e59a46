package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.ses.SesCredentials;
import dev.sesame.vault.KeySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines: `exec` puts the credential into a child's environment only; `get --output env` for sh. */
class ExecAndEnvTest {
  private static final String PASSWORD = "p/+=\\$'\":#^ ü€ ${x}";
  /** AWS's documented example secret access key. */
  private static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @TempDir
  Path dir;
  private Path vault;
  private Path key;
  private SesameProcess sesame;

  @BeforeEach
  void vaultWithATrickyPassword() throws Exception {
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    KeySource source = Fixtures.keyFile(key);
    Fixtures.createVault(vault, source, 5);
    Fixtures.put(vault, source, "relay", Fixtures.smtp(PASSWORD));
    sesame = SesameProcess.withTmpDir(Files.createDirectories(dir.resolve("tmp")));
  }

  @Test
  void execHandsTheExactValuesToTheChildAndPassesItsExitCodeBack() throws Exception {
    Path seen = dir.resolve("seen");
    Path parentArgv = dir.resolve("parent-argv");
    String script = "printf '%s' \"$SMTP_PASSWORD\" > '" + seen + "'; tr '\\0' ' ' < /proc/$PPID/cmdline > '"
        + parentArgv + "'; exit 3";
    SesameProcess.Result result = sesame.run("exec", "relay", "--vault", vault.toString(), "--key-file",
        key.toString(), "--", "sh", "-c", script);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(Files.readString(seen, StandardCharsets.UTF_8)).isEqualTo(PASSWORD);
    String argv = Files.readString(parentArgv, StandardCharsets.UTF_8);
    assertThat(argv).contains("exec").contains("relay").doesNotContain(PASSWORD).doesNotContain("p/+=");
    assertThat(result.out() + result.err()).doesNotContain(PASSWORD);
  }

  @Test
  void execUsesThePrefixAndPristineDropsTheInheritedEnvironment() throws Exception {
    SesameProcess.Result result = sesame.env("INHERITED", "yes").run("exec", "relay", "--vault", vault.toString(),
        "--key-file", key.toString(), "--prefix", "MAIL_", "--pristine", "--", "/usr/bin/env");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> names = result.out().lines().map(line -> line.substring(0, line.indexOf('='))).sorted().toList();
    assertThat(names).containsExactly("MAIL_CREATED_AT", "MAIL_HOST", "MAIL_PASSWORD", "MAIL_PORT", "MAIL_USERNAME");
  }

  @Test
  void getOutputEnvSourcedByShGivesTheExactValue() throws Exception {
    SesameProcess.Result env = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file",
        key.toString(), "--output", "env");
    assertThat(env.exitCode()).as(env.toString()).isZero();
    Path file = dir.resolve("relay.env");
    Files.writeString(file, env.out(), StandardCharsets.UTF_8);
    Process sh = new ProcessBuilder("sh", "-c", ". '" + file + "'; printf '%s' \"$SMTP_PASSWORD\"").start();
    byte[] value = sh.getInputStream().readAllBytes();
    assertThat(sh.waitFor()).isZero();
    assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo(PASSWORD);
  }

  @Test
  void aMissingCommandIsOneLineAndExit127AsInSh() throws Exception {
    for (String missing : List.of("/nonexistent/tool", "no-such-tool-on-path")) {
      SesameProcess.Result result = sesame.run("exec", "relay", "--vault", vault.toString(), "--key-file",
          key.toString(), "--", missing);
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(127);
      assertThat(result.errLines()).containsExactly("sesame: cannot run " + missing + ": command not found");
    }
  }

  @Test
  void aCommandThatCannotBeRunIsExit126AsInSh() throws Exception {
    Path notExecutable = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\nexit 0\n");
    for (Path unrunnable : List.of(notExecutable, dir)) {
      SesameProcess.Result result = sesame.run("exec", "relay", "--vault", vault.toString(), "--key-file",
          key.toString(), "--", unrunnable.toString());
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(126);
      assertThat(result.errLines()).containsExactly("sesame: cannot run " + unrunnable + ": not an executable file");
    }
  }

  @Test
  void anSesEntryGivesTheChildNoSecretAccessKeyUnlessAskedWithAws() throws Exception {
    Fixtures.put(vault, Fixtures.keyFile(key), "prod", SesCredentials.fromAccessKey("eu-west-1", "ses-smtp",
        "AKIAIOSFODNN7EXAMPLE", SECRET_ACCESS_KEY, 587));
    SesameProcess.Result plain = sesame.run("exec", "prod", "--vault", vault.toString(), "--key-file",
        key.toString(), "--pristine", "--", "/usr/bin/env");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(variableNames(plain)).containsExactly("SMTP_ACCESS_KEY_ID", "SMTP_CREATED_AT", "SMTP_HOST",
        "SMTP_IAM_USER", "SMTP_PASSWORD", "SMTP_PORT", "SMTP_REGION", "SMTP_USERNAME");
    assertThat(plain.out()).doesNotContain(SECRET_ACCESS_KEY);

    SesameProcess.Result aws = sesame.run("exec", "prod", "--aws", "--vault", vault.toString(), "--key-file",
        key.toString(), "--pristine", "--", "/usr/bin/env");
    assertThat(aws.exitCode()).as(aws.toString()).isZero();
    assertThat(aws.out().lines()).contains("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY=" + SECRET_ACCESS_KEY, "AWS_REGION=eu-west-1");
  }

  @Test
  void awsOnAManualEntryIsAUsageError() throws Exception {
    SesameProcess.Result result = sesame.run("exec", "relay", "--aws", "--vault", vault.toString(), "--key-file",
        key.toString(), "--", "/usr/bin/env");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines()).hasSize(1).allMatch(line -> line.contains("--aws needs an SES entry"));
  }

  private static List<String> variableNames(SesameProcess.Result result) {
    return result.out().lines().map(line -> line.substring(0, line.indexOf('='))).sorted().toList();
  }
}
