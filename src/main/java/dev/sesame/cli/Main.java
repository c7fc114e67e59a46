package dev.sesame.cli;

import picocli.CommandLine;

/** Entry point: wires the command tree, exit codes and error printing; holds no logic. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (tests call this in-process). */
  public static int run(String... args) {
    java.util.Optional<Integer> fast = FastGet.tryRun(args);
    if (fast.isPresent()) {
      return fast.get();
    }
    return WithPicocli.run(args);
  }

  /**
   * The picocli wiring, in its own class so that loading Main loads no picocli type (the verifier
   * would check ErrorHandler against picocli's handler interface as soon as Main is linked): the
   * fast `get` path then runs entirely from the class-data archive and never opens the jar.
   */
  private static final class WithPicocli {
    static int run(String[] args) {
      CommandLine commandLine = new CommandLine(new SesameCommand());
      // UTF-8 whatever the locale: the same bytes Console writes (secrets may be non-ASCII).
      commandLine.setOut(new java.io.PrintWriter(
          new java.io.OutputStreamWriter(Console.OUT, java.nio.charset.StandardCharsets.UTF_8), true));
      commandLine.setErr(new java.io.PrintWriter(
          new java.io.OutputStreamWriter(Console.ERR, java.nio.charset.StandardCharsets.UTF_8), true));
      commandLine.setExecutionExceptionHandler(new ErrorHandler());
      commandLine.setParameterExceptionHandler(ErrorHandler::usage);
      return commandLine.execute(args);
    }
  }
}
