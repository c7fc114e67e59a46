package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

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
  void aMissingCommandIsOneLineAndExitOne() throws Exception {
    SesameProcess.Result result = sesame.run("exec", "relay", "--vault", vault.toString(), "--key-file",
        key.toString(), "--", "/nonexistent/tool");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).hasSize(1).allMatch(line -> line.startsWith("sesame: cannot run"));
  }
}
