package dev.sesame.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine;

/** Entry point: wires the command tree, exit codes and error printing; holds no logic. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Invocation.system(), args));
  }

  /**
   * Runs one command line in INVOCATION (its streams and environment) and returns its exit code;
   * tests call this in process. Nothing here or below exits the JVM.
   */
  public static int run(Invocation invocation, String... args) {
    try {
      Optional<Integer> fast = FastGet.tryRun(invocation, args);
      if (fast.isPresent()) {
        return fast.get();
      }
      return WithPicocli.run(invocation, args);
    } finally {
      invocation.flush();
    }
  }

  /**
   * The command tree for ARGS (see {@link CommandTree}) wired to INVOCATION: its writers, its
   * environment for `${env:...}` defaults.
   */
  static CommandLine commandLine(Invocation invocation, String... args) {
    return WithPicocli.commandLine(invocation, args);
  }

  /**
   * The picocli wiring, in its own class so that loading Main loads no picocli type (the verifier
   * would check ErrorHandler against picocli's handler interface as soon as Main is linked): the
   * fast `get` path then runs entirely from the class-data archive and never opens the jar.
   */
  private static final class WithPicocli {
    static int run(Invocation invocation, String[] args) {
      return commandLine(invocation, args).execute(args);
    }

    static CommandLine commandLine(Invocation invocation, String[] args) {
      CommandLine commandLine;
      try {
        commandLine = CommandTree.forArgs(args, new CommandFactory(invocation));
      } catch (Exception e) {
        // A command class picocli cannot build is a defect of this build, not of the command line.
        throw new IllegalStateException("cannot build the command tree", e);
      }
      // UTF-8 whatever the locale: the same bytes the commands write (secrets may be non-ASCII).
      commandLine.setOut(new PrintWriter(new OutputStreamWriter(invocation.out(), StandardCharsets.UTF_8), true));
      commandLine.setErr(new PrintWriter(new OutputStreamWriter(invocation.err(), StandardCharsets.UTF_8), true));
      commandLine.setDefaultValueProvider(new EnvDefaults(invocation.env()));
      ErrorHandler errors = new ErrorHandler(invocation);
      commandLine.setExecutionExceptionHandler(errors);
      commandLine.setParameterExceptionHandler(errors::usage);
      return commandLine;
    }
  }
}
