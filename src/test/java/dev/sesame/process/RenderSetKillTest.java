package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.vault.KeySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sesame render` of a 20-target set with checks, restarts and a health check, its process group
 * killed with SIGKILL at seeded random points (while a check or restart runs, or after a random
 * delay, which lands anywhere, the renames included), one to three times in a row; then one
 * more run. After it every target holds the new password, no candidate and no set journal is
 * left, and every restart ran at least once while all of its files already held the new
 * password. Leftovers seen right after a kill are 0600, or named by the set journal (the one
 * candidate between taking its mode and its rename).
 */
class RenderSetKillTest {
  private static final int TARGETS = 20;
  private static final int RESTART_GROUPS = 5;
  private static final int ROUNDS = 6;
  private static final long SEED = 20261130L;

  @TempDir
  Path dir;

  @Test
  void aSetKilledAtRandomPointsIsCompletedByTheNextRun() throws Exception {
    Path vault = dir.resolve("vault.json");
    KeySource key = Fixtures.keyFile(dir.resolve("vault.key"));
    Fixtures.createVault(vault, key, 3);
    Path etc = Files.createDirectory(dir.resolve("etc"));
    Path events = dir.resolve("events.log");
    Path restarts = dir.resolve("restarts.log");
    Path targets = targetsFile(etc, events, restarts);
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Path stateDir = dir.resolve("tmp-state");
    SesameProcess sesame = SesameProcess.withTmpDir(tmp).workDir(dir)
        .env("SESAME_VAULT", vault.toString()).env("SESAME_KEY_FILE", dir.resolve("vault.key").toString());
    Random random = new Random(SEED);
    List<String> kills = new ArrayList<>();
    int completedByJournal = 0;

    for (int round = 1; round <= ROUNDS; round++) {
      String password = "pw-round-" + round;
      Fixtures.put(vault, key, "ses", Fixtures.smtp(password));
      Files.deleteIfExists(restarts);
      int killsThisRound = 1 + random.nextInt(3);
      for (int k = 0; k < killsThisRound; k++) {
        String where = runAndKill(sesame, targets, events, random);
        kills.add("round " + round + ": " + where);
        assertLeftoversAreOwnerOnlyOrJournaled(etc, stateDir, where);
      }

      Result last = sesame.run("render", "--targets", targets.toString());
      if (last.err().contains("completing a render set interrupted")) {
        completedByJournal++;
      }

      String context = "round " + round + " after " + kills + "\n" + last;
      assertThat(last.exitCode()).as(context).isZero();
      for (int i = 0; i < TARGETS; i++) {
        assertThat(Files.readString(etc.resolve("f" + i + ".sh"))).as(context)
            .isEqualTo("PASS='" + password + "'\n");
      }
      assertThat(strays(etc)).as(context).isEmpty();
      assertThat(journals(stateDir)).as(context).isEmpty();
      List<String> restartLines = Files.readAllLines(restarts);
      for (int g = 0; g < RESTART_GROUPS; g++) {
        String afterChange = "restart " + g + " " + (password + " ").repeat(TARGETS / RESTART_GROUPS).trim();
        assertThat(restartLines).as("restart %d ran once its files were new; %s", g, context).contains(afterChange);
      }
    }
    System.out.println("RenderSetKillTest kills: " + String.join("; ", kills)
        + "; rounds whose last run completed a journaled set: " + completedByJournal);
    assertThat(kills).hasSizeGreaterThanOrEqualTo(ROUNDS);

    // Whether a random kill lands inside the journaled window depends on the machine's speed, so
    // one more round kills there on purpose: while the first restart runs (every file renamed,
    // four restarts and twenty health checks still to come). The next run must complete that set.
    Fixtures.put(vault, key, "ses", Fixtures.smtp("pw-journaled"));
    Process child = sesame.startInOwnSession("render", "--targets", targets.toString());
    long eventsBefore = lines(events);
    String where = killAfterEvents(sesame, child, events, eventsBefore, TARGETS + 1);
    assertThat(where).as("killed inside the journaled window").contains("killed");
    assertThat(journals(stateDir)).as("a set journal after " + where).isNotEmpty();
    Result completing = sesame.run("render", "--targets", targets.toString());
    assertThat(completing.exitCode()).as(completing.toString()).isZero();
    assertThat(completing.err()).contains("completing a render set interrupted");
    for (int i = 0; i < TARGETS; i++) {
      assertThat(Files.readString(etc.resolve("f" + i + ".sh"))).isEqualTo("PASS='pw-journaled'\n");
    }
    assertThat(journals(stateDir)).isEmpty();
    assertThat(strays(etc)).isEmpty();
  }

  /** SIGKILLs CHILD's process group once EVENTS holds EVENTS_TO_WAIT more lines than BEFORE. */
  private String killAfterEvents(SesameProcess sesame, Process child, Path events, long before, int eventsToWait)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (child.isAlive() && lines(events) < before + eventsToWait && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    if (!child.isAlive()) {
      Result finished = sesame.finish(child);
      assertThat(finished.exitCode()).as(finished.toString()).isZero();
      return "after event " + eventsToWait + " (had finished)";
    }
    new ProcessBuilder("kill", "-KILL", "--", "-" + child.pid()).inheritIO().start().waitFor();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return "after event " + eventsToWait + " (killed; " + (lines(events) - before) + " events)";
  }

  /**
   * Starts `render` in a session of its own and SIGKILLs its whole process group (the JVM and
   * any check or restart it runs) either once EVENTS has grown by a random number of lines (a
   * command is running) or after a random delay.
   */
  private String runAndKill(SesameProcess sesame, Path targets, Path events, Random random) throws Exception {
    long eventsBefore = lines(events);
    boolean onEvent = random.nextBoolean();
    int eventsToWait = 1 + random.nextInt(TARGETS + RESTART_GROUPS + 1);
    int delayMillis = random.nextInt(600);
    Process child = sesame.startInOwnSession("render", "--targets", targets.toString());
    String where;
    if (onEvent) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (child.isAlive() && lines(events) < eventsBefore + eventsToWait && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      where = "after event " + eventsToWait;
    } else {
      // From the first check on, so the delay lands in the set's work rather than in JVM start-up.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (child.isAlive() && lines(events) == eventsBefore && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      child.waitFor(delayMillis, TimeUnit.MILLISECONDS);
      where = "" + delayMillis + " ms after the first event";
    }
    if (!child.isAlive()) {
      Result finished = sesame.finish(child);
      assertThat(finished.exitCode()).as(finished.toString()).isZero();
      return where + " (had finished)";
    }
    new ProcessBuilder("kill", "-KILL", "--", "-" + child.pid()).inheritIO().start().waitFor();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return where + " (killed; " + (lines(events) - eventsBefore) + " events)";
  }

  private static void assertLeftoversAreOwnerOnlyOrJournaled(Path etc, Path stateDir, String where) throws IOException {
    String journaled = String.join("\n", journals(stateDir).stream().map(RenderSetKillTest::read).toList());
    for (Path leftover : strays(etc)) {
      if (!journaled.contains(leftover.toString())) {
        assertThat(Fixtures.mode(leftover)).as("leftover %s after a kill %s", leftover, where).isEqualTo("rw-------");
      }
    }
  }

  private Path targetsFile(Path etc, Path events, Path restarts) throws IOException {
    Path template = dir.resolve("pass.tpl");
    Files.writeString(template, "PASS=${smtp_password}\n");
    StringBuilder toml = new StringBuilder();
    for (int i = 0; i < TARGETS; i++) {
      int group = i % RESTART_GROUPS;
      StringBuilder files = new StringBuilder();
      for (int j = group; j < TARGETS; j += RESTART_GROUPS) {
        files.append(' ').append(etc.resolve("f" + j + ".sh"));
      }
      // The restart records what its files hold when it runs (the values are test passwords).
      String restart = "echo restart >> " + events + "; sleep 0.05; printf 'restart " + group + " %s\\n' \"$(sed -n "
          + "\"s/^PASS='\\(.*\\)'$/\\1/p\"" + files + " | tr '\\n' ' ' | sed 's/ $//')\" >> " + restarts;
      toml.append("[[target]]\n")
          .append("entry = \"ses\"\n")
          .append("template = ").append(quote(template.toString())).append('\n')
          .append("out = ").append(quote(etc.resolve("f" + i + ".sh").toString())).append('\n')
          .append("format = \"shell\"\n")
          .append("mode = \"0640\"\n")
          .append("check = ").append(quote("sh -n {} && echo check >> " + events)).append('\n')
          .append("restart = ").append(quote(restart)).append('\n')
          .append("health = ").append(quote("echo health >> " + events)).append("\n\n");
    }
    Path file = dir.resolve("targets.toml");
    Files.writeString(file, toml.toString());
    return file;
  }

  /** A TOML multi-line literal string: taken as it is, single quotes included. */
  private static String quote(String value) {
    return value.contains("'''") ? fail(value) : "'''" + value + "'''";
  }

  private static String fail(String value) {
    throw new IllegalArgumentException("cannot quote " + value);
  }

  private static List<Path> strays(Path etc) throws IOException {
    try (Stream<Path> files = Files.list(etc)) {
      return files.filter(f -> !f.getFileName().toString().matches("f\\d+\\.sh(\\.bak)?")).sorted().toList();
    }
  }

  private static List<Path> journals(Path stateDir) throws IOException {
    Path sets = stateDir.resolve("render-sets");
    if (!Files.isDirectory(sets)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(sets)) {
      return files.toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";  // removed meanwhile
    }
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }
}
