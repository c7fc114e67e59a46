package dev.sesame.render;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a --check / --restart / --health command under {@code /bin/sh -c} with a clean, minimal
 * environment (no vault variables, no secrets), stdin from /dev/null and output discarded: the
 * command may read files holding secrets, so what it prints is never relayed.
 *
 * <p>In a check command {@code {}} becomes {@code "$1"} and the candidate's path is passed as
 * argument 1, so the path is never spliced into shell text.
 */
final class ServiceCommand {
  static final Map<String, String> ENVIRONMENT = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LC_ALL", "C");
  private static final File DEV_NULL = new File("/dev/null");

  private ServiceCommand() {}

  /** The exit status of COMMAND, or empty when it did not finish within TIMEOUT (it is killed). */
  static Optional<Integer> run(String command, Optional<Path> candidate, Duration timeout)
      throws IOException {
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
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.directory(new File("/"));
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return Optional.empty();
      }
      return Optional.of(p.exitValue());
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running a command", e);
    }
  }
}
