package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.ChildJava;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's quick start, as a new user meets it: its first shell block is extracted and run line by
 * line in order with bash -e, `sesame` on the PATH, a fresh HOME, and /etc/sesame pointed at a
 * scratch folder. Any line that fails fails the test, naming it.
 */
class ReadmeQuickStartTest {
  @TempDir
  Path scratch;

  @Test
  void everyLineOfTheQuickStartRunsInOrderOnAFreshMachine() throws Exception {
    String block = firstShellBlockAfter(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8),
        "## Quick start");
    Path etc = Files.createDirectories(scratch.resolve("etc-sesame"));
    Path home = Files.createDirectories(scratch.resolve("home"));
    Path work = Files.createDirectories(scratch.resolve("work"));
    Files.createSymbolicLink(work.resolve("templates"), Path.of("templates").toAbsolutePath());
    Path bin = Files.createDirectories(scratch.resolve("bin"));
    Path sesame = bin.resolve("sesame");
    Files.writeString(sesame, "#!/bin/sh\nexec " + ChildJava.shellCommand("dev.sesame.cli.Main") + " \"$@\"\n");
    Files.setPosixFilePermissions(sesame, PosixFilePermissions.fromString("rwx------"));
    // -x traces each line on stderr, so a failure names the line that failed.
    Path script = Files.writeString(scratch.resolve("quick-start.sh"),
        "set -e -o pipefail -x\n" + block.replace("/etc/sesame", etc.toString()));

    ProcessBuilder bash = new ProcessBuilder("env", "-i", "PATH=" + bin + File.pathSeparator + System.getenv("PATH"),
        "HOME=" + home, "LANG=C", "bash", script.toString()).directory(work.toFile()).redirectErrorStream(true);
    Process process = bash.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String transcript = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(transcript).isZero();

    assertThat(transcript).contains("sending as AKIAIOSFODNN7EXAMPLE via email-smtp.eu-west-1.amazonaws.com:587");
    assertThat(transcript).as("init says which slots it made and why")
        .contains("with 1 key slot, each able to open it: key file " + etc.resolve("vault.key")
            + " (created, mode 0600), because SESAME_KEY_FILE names it")
        .contains("with 1 key slot, each able to open it: passphrase, from --passphrase-stdin");
    assertThat(transcript).as("passwd says what to change next")
        .contains("SESAME_KEY_FILE still names " + etc.resolve("vault.key") + ", which no longer opens the vault:"
            + " export SESAME_KEY_FILE=" + etc.resolve("vault2.key"));
    assertThat(Files.readString(etc.resolve("smtp.sh"))).contains("AKIAIOSFODNN7EXAMPLE");
  }

  private static String firstShellBlockAfter(String markdown, String heading) {
    int section = markdown.indexOf("\n" + heading + "\n");
    assertThat(section).as("README has " + heading).isPositive();
    int start = markdown.indexOf("```sh\n", section) + "```sh\n".length();
    int end = markdown.indexOf("\n```", start);
    List<String> lines = markdown.substring(start, end).lines().toList();
    assertThat(lines).isNotEmpty();
    return String.join("\n", lines) + "\n";
  }
}
