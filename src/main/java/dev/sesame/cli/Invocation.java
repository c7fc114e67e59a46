package dev.sesame.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One run of the CLI: its standard streams, its environment, and whether its stdout is a
 * terminal. {@link Main#main} runs with the process's own; a test runs {@link Main#run} in process
 * with its own. Commands never reach for System.out, System.in or System.getenv themselves.
 *
 * <p>Free of picocli types: the fast `get` path ({@link FastGet}) uses it too.
 */
public final class Invocation {
  private final PrintStream out;
  private final PrintStream err;
  private final Stdin stdin;
  private final Map<String, String> env;
  /** Whether stdout may be a terminal (then /proc is asked); a test's captured stdout never is. */
  private final boolean mayBeTerminal;
  private boolean controlCharactersNoted;

  private Invocation(PrintStream out, PrintStream err, InputStream stdin, Map<String, String> env,
      boolean mayBeTerminal) {
    this.out = out;
    this.err = err;
    this.stdin = new Stdin(stdin);
    this.env = Map.copyOf(env);
    this.mayBeTerminal = mayBeTerminal;
  }

  /**
   * This process's streams and environment. Output is UTF-8 whatever the locale: the JVM's
   * defaults follow it, and under LANG=C a non-ASCII password printed by `get` would silently
   * become '?'.
   */
  static Invocation system() {
    return new Invocation(
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
        System.in, System.getenv(), true);
  }

  /**
   * A run with ENV as its whole environment, STDIN as standard input and OUT and ERR receiving
   * UTF-8 output; its stdout is never a terminal.
   */
  public static Invocation of(Map<String, String> env, InputStream stdin, OutputStream out, OutputStream err) {
    return new Invocation(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), stdin, env, false);
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  /** The one reader of this run's stdin: a second reader would lose buffered bytes. */
  Stdin stdin() {
    return stdin;
  }

  /** The environment, unmodifiable. */
  Map<String, String> env() {
    return env;
  }

  /** The variable NAME, or null when unset. */
  String env(String name) {
    return env.get(name);
  }

  boolean stdoutIsTerminal() {
    // No lambda here: the fast `get` path should link no more than it needs.
    return mayBeTerminal && TerminalText.stdoutIsTerminal();
  }

  /** True the first time only: the note about escaped control characters is printed once per run. */
  boolean firstControlCharacterNote() {
    boolean first = !controlCharactersNoted;
    controlCharactersNoted = true;
    return first;
  }

  void flush() {
    out.flush();
    err.flush();
  }
}
