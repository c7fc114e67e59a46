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
    CommandLine commandLine = new CommandLine(new SesameCommand());
    commandLine.setOut(new java.io.PrintWriter(Console.OUT, true));
    commandLine.setErr(new java.io.PrintWriter(Console.ERR, true));
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setParameterExceptionHandler(ErrorHandler::usage);
    return commandLine.execute(args);
  }
}
