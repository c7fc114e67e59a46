package dev.sesame.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * picocli's side of error reporting: execution failures go to {@link Failures}, the one place
 * where failures become exit codes and a single line on stderr; usage mistakes print picocli's
 * message that never repeats a typed word ({@link UsageErrors}) and a pointer to --help.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  private final Invocation invocation;

  ErrorHandler(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult) {
    return Failures.report(invocation.err(), failure, debug(parseResult));
  }

  int usage(ParameterException failure, String[] args) {
    CommandLine command = failure.getCommandLine();
    java.io.PrintWriter err = command.getErr();
    err.println("sesame: " + Failures.oneLine(UsageErrors.describe(failure, args)));
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCode.USAGE;
  }

  private static boolean debug(ParseResult parseResult) {
    for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
      if (result.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}
