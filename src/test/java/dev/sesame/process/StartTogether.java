package dev.sesame.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-scope launcher: {@code StartTogether READY_FILE GO_FILE ARGS...} starts the JVM, creates
 * READY_FILE, waits for GO_FILE to exist and then runs {@code sesame ARGS} exactly as the CLI's
 * own main does. Lets a test fire several CLI processes at the same instant, JVM start-up done.
 */
public final class StartTogether {
  private StartTogether() {}

  /** One CLI run to fire: its stdin bytes and its arguments. */
  record Run(byte[] stdin, List<String> args) {
    /** `sesame put ENTRY` of a relay entry for USER with PASSWORD on stdin, into VAULT under KEY_FILE. */
    static Run put(String entry, String user, String password, Path vault, Path keyFile) {
      return new Run((password + "\n").getBytes(StandardCharsets.UTF_8), List.of("put", entry, "--host",
          "smtp.example.test", "--port", "587", "--smtp-username", user, "--smtp-password-stdin", "--vault",
          vault.toString(), "--key-file", keyFile.toString()));
    }
  }

  /**
   * Starts a StartTogether child per RUN (JVM start-up done, each waiting on a go file in
   * SIGNALS), releases them all at once, and returns their results in RUNS' order.
   */
  static List<SesameProcess.Result> all(SesameProcess sesame, Path signals, List<Run> runs) throws Exception {
    Path go = signals.resolve("go");
    List<Process> processes = new ArrayList<>();
    List<String[]> commands = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      List<String> argv = new ArrayList<>(List.of(signals.resolve("ready" + i).toString(), go.toString()));
      argv.addAll(runs.get(i).args());
      String[] args = argv.toArray(String[]::new);
      commands.add(args);
      processes.add(sesame.start(StartTogether.class.getName(), runs.get(i).stdin(), args));
    }
    long giveUp = System.nanoTime() + 60_000_000_000L;
    for (int i = 0; i < runs.size(); i++) {
      while (!Files.exists(signals.resolve("ready" + i))) {
        if (System.nanoTime() > giveUp) {
          throw new AssertionError("child " + i + " never got ready: " + String.join(" ", commands.get(i)));
        }
        Thread.sleep(5);
      }
    }
    Files.createFile(go);
    List<SesameProcess.Result> results = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      results.add(sesame.finish(processes.get(i), commands.get(i)));
    }
    return results;
  }

  public static void main(String[] args) throws Exception {
    Path ready = Path.of(args[0]);
    Path go = Path.of(args[1]);
    Class.forName(SesameProcess.CLI_MAIN);
    Files.createFile(ready);
    long giveUp = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(go)) {
      if (System.nanoTime() > giveUp) {
        System.err.println("StartTogether: no go signal");
        System.exit(99);
      }
      Thread.sleep(1);
    }
    dev.sesame.cli.Main.main(Arrays.copyOfRange(args, 2, args.length));
  }
}
