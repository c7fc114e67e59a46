package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void aRunKilledAtAnyStepBoundaryIsCompletedByTheNextRun() throws Exception {
    List<String> killedAt = new ArrayList<>();
    for (int boundary = 1; boundary < 30; boundary++) {
      Path world = Files.createDirectory(dir.resolve("boundary-" + boundary));
      try (RotationStand stand = RotationStand.start(world, cert, 587)) {
        Path envFile = world.resolve("sesame.env");
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

        CliResult rerun = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--retire-now");

        assertThat(rerun.exitCode()).as("rerun after a kill " + where + "\n" + rerun).isZero();
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
