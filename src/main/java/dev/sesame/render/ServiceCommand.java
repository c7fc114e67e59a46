package dev.sesame.render;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a --check / --restart / --health command under {@code /bin/sh -c} with a clean, minimal
 * environment (no vault variables, no secrets) and stdin from /dev/null. Its output (stdout and
 * stderr together) is kept, last {@link #KEPT_LINES} lines only, so a failure can show why; the
 * command may quote the files it read, so callers pass it through a {@link SecretMask} before
 * showing it.
 *
 * <p>In a check command {@code {}} becomes {@code "$1"} and the candidate's path is passed as
 * argument 1, so the path is never spliced into shell text.
 */
final class ServiceCommand {
  static final Map<String, String> ENVIRONMENT = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LC_ALL", "C");
  /** How many of the last lines of a command's output are kept. */
  static final int KEPT_LINES = 20;
  /** Longer lines are cut: one line of a binary or minified file must not flood the terminal. */
  private static final int MAX_LINE = 500;
  private static final File DEV_NULL = new File("/dev/null");

  /**
   * How a command ended.
   *
   * @param status its exit status, or empty when it was killed at the timeout
   * @param lastLines the last lines it printed (stdout and stderr interleaved), unmasked
   */
  record Outcome(Optional<Integer> status, List<String> lastLines) {
    boolean succeeded() {
      return status.isPresent() && status.get() == 0;
    }
  }

  private ServiceCommand() {}

  /** Runs COMMAND; it is killed (with its children) when it has not finished within TIMEOUT. */
  static Outcome run(String command, Optional<Path> candidate, Duration timeout) throws IOException {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c"));
    if (candidate.isPresent()) {
      argv.add(command.replace("{}", "\"$1\""));
      argv.add("sesame-check");
      argv.add(candidate.get().toAbsolutePath().toString());
    } else {
      argv.add(command);
    }
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(ENVIRONMENT);
    pb.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    pb.redirectErrorStream(true);
    pb.directory(new File("/"));
    Process p = pb.start();
    Deque<String> tail = new ArrayDeque<>();
    Thread reader = new Thread(() -> keepTail(p, tail), "sesame-command-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        return new Outcome(Optional.empty(), snapshot(tail));
      }
      // A child that kept the output pipe open (a daemon started by a restart) must not hold us.
      reader.join(1000);
      return new Outcome(Optional.of(p.exitValue()), snapshot(tail));
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running a command", e);
    }
  }

  private static void keepTail(Process p, Deque<String> tail) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (tail) {
          tail.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
          if (tail.size() > KEPT_LINES) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process ended or was killed: what was read is all there is.
    }
  }

  private static List<String> snapshot(Deque<String> tail) {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }
}
