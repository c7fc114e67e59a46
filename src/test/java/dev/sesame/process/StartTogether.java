package dev.sesame.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test-scope launcher: {@code StartTogether READY_FILE GO_FILE ARGS...} starts the JVM, creates
 * READY_FILE, waits for GO_FILE to exist and then runs {@code sesame ARGS} exactly as the CLI's
 * own main does. Lets a test fire several CLI processes at the same instant, JVM start-up done.
 */
public final class StartTogether {
  private StartTogether() {}

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
