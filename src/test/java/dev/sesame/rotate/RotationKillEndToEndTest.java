package dev.sesame.rotate;

import dev.sesame.render.EntryStoreFieldSource;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.VaultEntryStore;
import java.time.Clock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.render.Renderer;
import dev.sesame.render.TargetsFile;
import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at every step boundary of `rotate --retire-now` (a child JVM held at the boundary by
 * {@link KillPointMain}, then killed), then the real CLI run again: it completes, no key is
 * orphaned in IAM, and at no moment was the vault's current key refused by SES.
 */
class RotationKillEndToEndTest {
  @TempDir
  static Path certDir;
  private static StandCertificate cert;

  @TempDir
  Path dir;

  @BeforeAll
  static void certificate() throws Exception {
    cert = StandCertificate.create(certDir);
  }

  /** Renders TARGETS from the vault as it is, as a deployment before any rotation would have. */
  private static void renderCurrent(RotationStand stand, Path targets) throws Exception {
    try (VaultEntryStore current = new VaultEntryStore(stand.vault, List.of(KeyFileKeySource.load(stand.keyFile)),
        Duration.ofSeconds(30), Clock.systemUTC())) {
      new Renderer().apply(TargetsFile.read(targets), new EntryStoreFieldSource(current), false,
          new PrintStream(PrintStream.nullOutputStream()));
    }
  }

  /** A targets file rendering the entry into ENV_FILE (templates/env/sesame.env). */
  private static Path envTarget(Path world, Path envFile) throws Exception {
    Path targets = world.resolve("targets.toml");
    Files.writeString(targets, """
        [[target]]
        entry = "prod"
        template = "TEMPLATE"
        out = "OUT"
        format = "shell"
        check = "sh -n {}"
        """.replace("TEMPLATE", Path.of("templates/env/sesame.env").toAbsolutePath().toString())
        .replace("OUT", envFile.toString()));
    return targets;
  }

  @Test
  void aRunKilledAfterDeployingIsShownByStatusAndResumedByTheDailyRun() throws Exception {
    try (RotationStand stand = RotationStand.start(dir, cert, 587)) {
      Path envFile = dir.resolve("sesame.env");
      Path targets = envTarget(dir, envFile);
      renderCurrent(stand, targets);
      String before = Files.readString(envFile);
      assertThat(before).contains(stand.firstKey);
      Path marker = dir.resolve("stopped-at");
      // Boundary 4: the targets hold the new key, the vault says "tested" (see the test below).
      Process child = stand.startJava(KillPointMain.class.getName(), "4", marker.toString(), RotationStand.ENTRY,
          targets.toString());
      RotationStand.drain(child.getInputStream());
      RotationStand.drain(child.getErrorStream());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      child.destroyForcibly().waitFor();  // SIGKILL
      assertThat(Files.readString(marker)).contains("vault step: tested");
      String pendingKey = stand.pending().orElseThrow().credential().field("access_key_id").orElseThrow();
      assertThat(Files.readString(envFile)).contains(pendingKey);

      CliResult status = stand.sesame("status", "prod");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      assertThat(status.out()).contains("stopped after step tested").contains("--abort").contains(pendingKey);

      CliResult daily = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--if-older-than", "90d");

      assertThat(daily.exitCode()).as(daily.toString()).isZero();
      assertThat(daily.out()).as("a stale pending is resumed, never skipped").contains("resuming rotation");
      assertThat(stand.currentKey()).isEqualTo(pendingKey);
      assertThat(stand.iamKeys()).containsExactlyInAnyOrder(stand.firstKey, pendingKey);
      assertThat(stand.state()).containsEntry("retire.key_id", stand.firstKey).doesNotContainKey("rotation.step");
      assertThat(Files.readString(envFile)).contains(pendingKey);
    }
  }

  @Test
  void aRunKilledAfterDeployingIsUndoneByAbort() throws Exception {
    try (RotationStand stand = RotationStand.start(dir, cert, 587)) {
      Path envFile = dir.resolve("sesame.env");
      Path targets = envTarget(dir, envFile);
      renderCurrent(stand, targets);
      String before = Files.readString(envFile);
      Path marker = dir.resolve("stopped-at");
      Process child = stand.startJava(KillPointMain.class.getName(), "4", marker.toString(), RotationStand.ENTRY,
          targets.toString());
      RotationStand.drain(child.getInputStream());
      RotationStand.drain(child.getErrorStream());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      child.destroyForcibly().waitFor();  // SIGKILL
      String pendingKey = stand.pending().orElseThrow().credential().field("access_key_id").orElseThrow();

      CliResult abort = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--abort");

      assertThat(abort.exitCode()).as(abort.toString()).isZero();
      assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
      assertThat(stand.pending()).isEmpty();
      assertThat(stand.state()).doesNotContainKey("rotation.step");
      assertThat(Files.readString(envFile)).as("targets rendered back").isEqualTo(before).doesNotContain(pendingKey);
      assertThat(stand.currentWorks()).isTrue();
    }
  }

  @Test
  void aRotationKilledWhileARestartRunsHasThatRestartReplayedBeforeTheOldKeyIsDeleted() throws Exception {
    try (RotationStand stand = RotationStand.start(dir, cert, 587)) {
      Path envFile = dir.resolve("sesame.env");
      Path started = dir.resolve("restart.started");
      Path restartLog = dir.resolve("restart.log");
      Path hold = dir.resolve("restart.hold");
      // A service that reads its credential only when restarted (systemd EnvironmentFile=); while HOLD
      // exists its restart does not finish, so the kill surely lands during it, and the replay need not wait.
      Path targets = envTarget(dir, envFile);
      Files.writeString(targets, Files.readString(targets) + "restart = '''date >> " + started + "; while [ -e "
          + hold + " ]; do sleep 0.05; done; cat " + envFile + " >> " + restartLog + "'''\n");
      renderCurrent(stand, targets);
      Files.deleteIfExists(started);
      Files.deleteIfExists(restartLog);
      Files.writeString(hold, "");

      Process child = stand.startCliInOwnSession("rotate", "prod", "--targets", targets.toString(), "--retire-now");
      RotationStand.drain(child.getInputStream());
      RotationStand.drain(child.getErrorStream());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(started) && child.isAlive() && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(started).as("the restart began").exists();
      RotationStand.killGroup(child);  // SIGKILL to the JVM and the restart's loop alike
      assertThat(restartLog).as("the restart never finished").doesNotExist();
      String pendingKey = stand.pending().orElseThrow().credential().field("access_key_id").orElseThrow();
      Files.delete(hold);

      CliResult rerun = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--retire-now",
          "--drain", "0s");

      assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
      assertThat(rerun.out()).contains("completing a render set interrupted");
      assertThat(Files.readString(restartLog)).as("the restart ran with the new key in its file")
          .contains("SMTP_USERNAME='" + pendingKey + "'");
      assertThat(stand.currentKey()).isEqualTo(pendingKey);
      assertThat(stand.iamKeys()).containsExactly(pendingKey);
    }
  }

  @Test
  void aRunKilledAtAnyStepBoundaryIsCompletedByTheNextRun() throws Exception {
    List<String> killedAt = new ArrayList<>();
    for (int boundary = 1; boundary < 30; boundary++) {
      Path world = Files.createDirectory(dir.resolve("boundary-" + boundary));
      try (RotationStand stand = RotationStand.start(world, cert, 587)) {
        Path envFile = world.resolve("sesame.env");
        Path targets = envTarget(world, envFile);
        Path marker = world.resolve("stopped-at");
        Process child = stand.startJava(KillPointMain.class.getName(), Integer.toString(boundary),
            marker.toString(), RotationStand.ENTRY, targets.toString());
        var out = RotationStand.drain(child.getInputStream());
        var err = RotationStand.drain(child.getErrorStream());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        if (!Files.exists(marker)) {
          assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
          assertThat(child.exitValue()).as(out.get() + err.get()).isZero();
          assertThat(out.get()).contains("boundaries passed: " + (boundary - 1));
          break;
        }
        child.destroyForcibly().waitFor();  // SIGKILL
        String where = Files.readString(marker);
        killedAt.add(where);

        assertThat(stand.currentWorks()).as("SES accepts the vault's current key after a kill " + where).isTrue();

        if (where.contains("vault step: none")) {
          // Killed while retiring: the rotation itself is over. The rerun runs in-process (the
          // kills mid-rotation rerun the CLI), to keep this test's child JVMs few.
          stand.rotator(TargetsFile.read(targets), Duration.ofSeconds(60))
              .rotate(RotationStand.ENTRY, RotationStand.retireNow());
        } else {
          CliResult rerun = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--retire-now",
              "--drain", "0s");
          assertThat(rerun.exitCode()).as("rerun after a kill " + where + "\n" + rerun).isZero();
        }
        assertThat(stand.state()).as(where).doesNotContainKeys("rotation.step", "retire.key_id");
        assertThat(stand.pending()).as(where).isEmpty();
        assertThat(stand.iamKeys()).as("no orphaned key after a kill " + where).containsExactly(stand.currentKey());
        assertThat(stand.currentWorks()).as(where).isTrue();
        assertThat(Files.readString(envFile)).as(where).contains("SMTP_USERNAME='" + stand.currentKey() + "'");
      }
    }
    System.out.println("killed at: " + String.join("; ", killedAt));
    assertThat(killedAt).hasSizeGreaterThanOrEqualTo(8)
        .anyMatch(w -> w.contains("vault step: creating"))
        .anyMatch(w -> w.contains("vault step: created"))
        .anyMatch(w -> w.contains("vault step: tested"))
        .anyMatch(w -> w.startsWith("finish starts") && w.contains("vault step: deployed"));
  }
}
