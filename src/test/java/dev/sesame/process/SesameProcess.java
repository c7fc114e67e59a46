package dev.sesame.process;

import dev.sesame.testing.ChildJava;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI as users do: in a child JVM of its own, with real stdin, environment, working
 * folder and exit code. The child's {@code java.io.tmpdir} is a folder the test owns, so a test
 * can prove nothing secret was left there.
 */
final class SesameProcess {
  static final String CLI_MAIN = "dev.sesame.cli.Main";
  /** Variables of the developer's shell that would change what the child does or prints. */
  private static final List<String> SCRUBBED_ENV = List.of("SESAME_VAULT", "SESAME_KEY_FILE",
      "SESAME_STORE", "SESAME_STATE_DIR", "SESAME_TRUSTED_KEYS", "SESAME_TRUST_FILE", "SESAME_STORE_KMS_KEY",
      "SESAME_STORE_PLAIN", "SESAME_TARGETS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  private final Path tmpDir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Path workDir;
  private Duration timeout = Duration.ofSeconds(60);

  private SesameProcess(Path tmpDir) {
    this.tmpDir = tmpDir;
    this.workDir = tmpDir;
  }

  /** A runner whose children use TMP_DIR as java.io.tmpdir (and, by default, working folder). */
  static SesameProcess withTmpDir(Path tmpDir) {
    return new SesameProcess(tmpDir);
  }

  SesameProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  SesameProcess env(java.util.Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  SesameProcess workDir(Path folder) {
    this.workDir = folder;
    return this;
  }

  SesameProcess timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** What a finished child did. */
  record Result(List<String> args, int exitCode, byte[] stdout, byte[] stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    String err() {
      return new String(stderr, StandardCharsets.UTF_8);
    }

    List<String> errLines() {
      return err().lines().toList();
    }

    @Override
    public String toString() {
      return "sesame " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout\n" + out()
          + "--- stderr\n" + err();
    }
  }

  /** Runs {@code sesame ARGS} with empty stdin. */
  Result run(String... args) {
    return runWithStdin(new byte[0], args);
  }

  /** Runs {@code sesame ARGS} with STDIN_TEXT (UTF-8) on stdin. */
  Result runWithStdin(String stdinText, String... args) {
    return runWithStdin(stdinText.getBytes(StandardCharsets.UTF_8), args);
  }

  Result runWithStdin(byte[] stdin, String... args) {
    Process process = start(CLI_MAIN, stdin, args);
    return finish(process, args);
  }

  /** Starts MAIN_CLASS (from the test class path) with STDIN fed and closed; the caller reads it. */
  Process start(String mainClass, byte[] stdin, String... args) {
    return start(List.of(), mainClass, stdin, args);
  }

  /**
   * Starts the CLI with ARGS as the leader of a session and process group of its own
   * ({@code setsid}), so a test can SIGKILL it together with the commands it runs:
   * {@code kill -KILL -- -PID}.
   */
  Process startInOwnSession(String... args) {
    return start(List.of("setsid"), CLI_MAIN, new byte[0], args);
  }

  private Process start(List<String> prefix, String mainClass, byte[] stdin, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(ChildJava.command(List.of("-Djava.io.tmpdir=" + tmpDir), mainClass));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    SCRUBBED_ENV.forEach(builder.environment()::remove);
    // Never the machine's own /etc/sesame/trusted-keys: a test states what its host trusts.
    builder.environment().put("SESAME_TRUST_FILE", tmpDir.resolve("no-trust-file").toString());
    // Render journals and the render lock beside the test's temp folder, never in /var/lib/sesame.
    builder.environment().put("SESAME_STATE_DIR", tmpDir.resolveSibling(tmpDir.getFileName() + "-state").toString());
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin);
      } catch (IOException closedEarly) {
        // The child may exit (say, on a usage error) before reading its stdin.
      }
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Waits for PROCESS (killing it at the timeout) and collects its output. */
  Result finish(Process process, String... args) {
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("sesame " + String.join(" ", args) + " still running after " + timeout);
      }
      return new Result(List.of(args), process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("cannot read the child's output", e);
    }
  }

  /** A thread of its own per stream: the common pool may have one thread, and a full pipe blocks the child. */
  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, task -> {
      Thread reader = new Thread(task, "child-output");
      reader.setDaemon(true);
      reader.start();
    });
  }
}
