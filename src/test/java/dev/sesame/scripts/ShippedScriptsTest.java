package dev.sesame.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.MailStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell scripts and systemd units the project ships, read by the tools that judge them:
 * shellcheck (warnings and errors fail) over every shell script in scripts/ and .ci/, and
 * `systemd-analyze verify` (any complaint fails, not only its exit status) over every unit in
 * scripts/systemd/, inside a scratch root so that the ExecStart path need not exist on this machine.
 */
@Tag("mail-stack")
class ShippedScriptsTest {
  @TempDir
  Path root;

  @Test
  void everyShellScriptPassesShellcheck() throws Exception {
    String shellcheck = MailStack.require("shellcheck");
    List<String> command = new ArrayList<>(List.of(shellcheck, "--severity=warning", "--external-sources"));
    List<Path> scripts = shellScripts();
    assertThat(scripts).extracting(Path::toString).contains("scripts/sesame", ".ci/run");
    scripts.forEach(p -> command.add(p.toString()));
    Result result = run(command);
    assertThat(result.output).as("shellcheck findings").isEmpty();
    assertThat(result.exit).isZero();
  }

  @Test
  void everySystemdUnitPassesSystemdAnalyzeVerify() throws Exception {
    String analyze = MailStack.require("systemd-analyze");
    Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
    // The units name /usr/local/bin/sesame (the install path the runbooks give) and the stock targets.
    Path bin = Files.createDirectories(root.resolve("usr/local/bin")).resolve("sesame");
    Files.writeString(bin, "#!/bin/sh\n");
    bin.toFile().setExecutable(true);
    copyTree(Path.of("/lib/systemd/system"), Files.createDirectories(root.resolve("usr/lib/systemd/system")));
    List<String> command = new ArrayList<>(List.of(analyze, "verify", "--root=" + root));
    try (Stream<Path> shipped = Files.list(Path.of("scripts/systemd"))) {
      for (Path unit : shipped.filter(p -> p.toString().matches(".*\\.(service|timer|path|socket)$")).sorted().toList()) {
        Path copy = units.resolve(unit.getFileName());
        Files.copy(unit, copy);
        command.add(copy.toString());
      }
    }
    assertThat(command).hasSizeGreaterThan(4);
    Result result = run(command);
    assertThat(result.output).as("systemd-analyze verify complaints").isEmpty();
    assertThat(result.exit).isZero();
  }

  private static List<Path> shellScripts() throws IOException {
    List<Path> scripts = new ArrayList<>();
    for (String dir : List.of("scripts", ".ci")) {
      try (Stream<Path> files = Files.list(Path.of(dir))) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          String first = firstLine(file);
          if (first.startsWith("#!") && first.matches("#!.*\\b(ba)?sh\\b.*") || file.toString().endsWith(".bash")) {
            scripts.add(file);
          }
        }
      }
    }
    return scripts;
  }

  private static String firstLine(Path file) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      return lines.findFirst().orElse("");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Path link = Files.readSymbolicLink(p);
          if (!link.isAbsolute()) { // aliases inside the tree; masked units (-> /dev/null) are left out
            Files.createSymbolicLink(target, link);
          }
        } else if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
    return new Result(process.exitValue(), output.strip());
  }
}
