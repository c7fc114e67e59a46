package dev.sesame.testing.cli;

import dev.sesame.cli.Invocation;
import dev.sesame.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the CLI in this JVM ({@link Main#run}) with an environment, stdin bytes, captured stdout
 * and stderr and an exit code of the test's own: the same calls as a child JVM, without its
 * start-up. The working folder and java.io.tmpdir are this JVM's, so a test about either (and any
 * about the OS-level process: stdin as a pipe, signals, the launcher) starts a real process.
 *
 * <p>The AWS SDK reads its settings from System.getenv, which no test can set; it reads the
 * matching {@code aws.*} system properties first, so AWS_* variables given here are set as those
 * for the length of one run ({@link AwsSystemProperties}). Runs are therefore one at a time.
 */
public final class SesameCli {
  /** Variables of the developer's shell that would change what the CLI does or prints. */
  private static final List<String> SCRUBBED_ENV = List.of("SESAME_VAULT", "SESAME_KEY_FILE",
      "SESAME_STORE", "SESAME_STATE_DIR", "SESAME_TRUSTED_KEYS", "SESAME_TRUST_FILE", "SESAME_STORE_KMS_KEY",
      "SESAME_STORE_PLAIN", "SESAME_TARGETS");

  private final Map<String, String> env = new LinkedHashMap<>();

  private SesameCli(Path tmpDir) {
    // Never the machine's own /etc/sesame/trusted-keys: a test states what its host trusts.
    env.put("SESAME_TRUST_FILE", tmpDir.resolve("no-trust-file").toString());
    // Render journals and the render lock beside the test's temp folder, never in /var/lib/sesame.
    env.put("SESAME_STATE_DIR", tmpDir.resolveSibling(tmpDir.getFileName() + "-state").toString());
  }

  /** A runner whose default trust file and state folder are beside TMP_DIR (as for a child JVM). */
  public static SesameCli withTmpDir(Path tmpDir) {
    return new SesameCli(tmpDir);
  }

  public SesameCli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Every variable set so far, AWS environment included. */
  public SesameCli env(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  /** The variables this runner sets (over the JVM's own), e.g. to give a child JVM the same. */
  public Map<String, String> environment() {
    return Map.copyOf(env);
  }

  /** What a finished run did. */
  public record Result(List<String> args, int exitCode, byte[] stdout, byte[] stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    public String err() {
      return new String(stderr, StandardCharsets.UTF_8);
    }

    public List<String> errLines() {
      return err().lines().toList();
    }

    @Override
    public String toString() {
      return "sesame " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout\n" + out()
          + "--- stderr\n" + err();
    }
  }

  /** Runs {@code sesame ARGS} with empty stdin. */
  public Result run(String... args) {
    return runWithStdin(new byte[0], args);
  }

  /** Runs {@code sesame ARGS} with STDIN_TEXT (UTF-8) on stdin. */
  public Result runWithStdin(String stdinText, String... args) {
    return runWithStdin(stdinText.getBytes(StandardCharsets.UTF_8), args);
  }

  public Result runWithStdin(byte[] stdin, String... args) {
    Map<String, String> whole = new HashMap<>(System.getenv());
    SCRUBBED_ENV.forEach(whole::remove);
    whole.putAll(env);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Invocation invocation = Invocation.of(whole, new ByteArrayInputStream(stdin), out, err);
    int exitCode;
    synchronized (SesameCli.class) {
      try (AwsSystemProperties aws = AwsSystemProperties.set(env)) {
        exitCode = Main.run(invocation, args);
      }
    }
    return new Result(List.of(args), exitCode, out.toByteArray(), err.toByteArray());
  }
}
