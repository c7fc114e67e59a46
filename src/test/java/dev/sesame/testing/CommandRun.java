package dev.sesame.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one command of the real mail stack (exim, update-exim4.conf, ...) and keeps what it said. */
public final class CommandRun {
  private CommandRun() {}

  /** A finished command: exit status (-1 when it timed out) and its stdout and stderr combined. */
  public record Result(int status, String output) {}

  /** Runs ARGV with STDIN as its input (null: /dev/null), for at most a minute. */
  public static Result run(List<String> argv, String stdin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process p = pb.start();
    if (stdin != null) {
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "timed out: " + argv);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
