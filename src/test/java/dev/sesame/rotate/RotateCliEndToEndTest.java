package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.vault.Credential;
import dev.sesame.vault.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sesame rotate` and `sesame revoke` as users run them: the CLI (in process), pointed at the
 * stand-ins only through AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
 * SESAME_SMTP_ENDPOINT and SESAME_SMTP_CA_FILE; exit codes as design.md section 6 fixes them.
 */
class RotateCliEndToEndTest {
  @TempDir
  static Path certDir;
  private static StandCertificate cert;

  @TempDir
  Path dir;
  private RotationStand stand;
  private Path envFile;
  private Path targets;

  @BeforeAll
  static void certificate() throws Exception {
    cert = StandCertificate.create(certDir);
  }

  @BeforeEach
  void world() throws Exception {
    stand = RotationStand.start(dir, cert, 587);
    envFile = dir.resolve("sesame.env");
    targets = targets("sh -n {}");
    // The target as it was deployed before: rendered from the current key.
    Files.writeString(envFile, "rendered from " + stand.firstKey + "\n");
  }

  @AfterEach
  void stop() {
    stand.close();
  }

  private Path targets(String check) throws Exception {
    Path file = dir.resolve("targets-" + Math.abs(check.hashCode()) + ".toml");
    Files.writeString(file, """
        [[target]]
        entry = "prod"
        template = "TEMPLATE"
        out = "OUT"
        format = "shell"
        mode = "0600"
        check = "CHECK"
        """.replace("TEMPLATE", Path.of("templates/env/sesame.env").toAbsolutePath().toString())
        .replace("OUT", envFile.toString()).replace("CHECK", check));
    return file;
  }

  @Test
  void rotateRetireNowDeploysTheNewKeyAndLeavesOnlyIt() throws Exception {
    CliResult run = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--retire-now", "--drain", "0s");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = stand.currentKey();
    assertThat(newKey).isNotEqualTo(stand.firstKey);
    assertThat(stand.iamKeys()).containsExactly(newKey);
    Credential current = stand.version(Label.CURRENT).credential();
    assertThat(Files.readString(envFile)).contains("SMTP_USERNAME='" + newKey + "'")
        .contains("SMTP_PASSWORD='" + current.field(Credential.SMTP_PASSWORD).orElseThrow() + "'");
    assertThat(run.out()).contains("created access key " + newKey).contains("is now current")
        .contains("deleted previous key " + stand.firstKey);
    for (String secret : List.of(current.field(Credential.SMTP_PASSWORD).orElseThrow(),
        current.field(Credential.SECRET_ACCESS_KEY).orElseThrow())) {
      assertThat(run.out() + run.err()).doesNotContain(secret);
      assertThat(Files.readString(dir.resolve("vault.json.audit"))).doesNotContain(secret).doesNotContain(newKey);
    }
    assertThat(Files.readAllLines(dir.resolve("vault.json.audit")))
        .anyMatch(line -> line.contains("\"step\":\"test\"") && line.contains("\"result\":\"ok\""))
        .anyMatch(line -> line.contains("\"step\":\"deploy\"") && line.contains("\"result\":\"ok\""));
  }

  @Test
  void ifOlderThanWithAYoungKeyExitsZeroAndWritesNothingToIam() throws Exception {
    byte[] vaultBefore = Files.readAllBytes(stand.vault);

    CliResult run = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--if-older-than", "90d");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("nothing to rotate");
    assertThat(stand.iamWrites()).isEmpty();
    assertThat(Files.readAllBytes(stand.vault)).isEqualTo(vaultBefore);
    assertThat(Files.readString(envFile)).isEqualTo("rendered from " + stand.firstKey + "\n");
  }

  @Test
  void aSecondActiveKeyExitsFiveAndCreatesNothing() throws Exception {
    String other = stand.iam.createAccessKey(RotationStand.USER).accessKeyId();

    CliResult run = stand.sesame("rotate", "prod", "--targets", targets.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
    assertThat(run.err()).contains(other).contains("sesame revoke prod");
    assertThat(stand.iamWrites()).isEmpty();
    assertThat(stand.iamKeys()).containsExactlyInAnyOrder(stand.firstKey, other);
    assertThat(stand.pending()).isEmpty();
  }

  @Test
  void smtpNeverAcceptingExitsEightWithThePendingKeyDeletedAndNothingElseTouched() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));
    byte[] targetBefore = Files.readAllBytes(envFile);

    CliResult run = stand.sesame("rotate", "prod", "--targets", targets.toString(), "--smtp-deadline", "1s");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(8);
    assertThat(stand.iamWrites()).containsExactly("CreateAccessKey", "DeleteAccessKey");
    assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
    assertThat(stand.currentKey()).isEqualTo(stand.firstKey);
    assertThat(stand.pending()).isEmpty();
    assertThat(stand.state()).doesNotContainKey("rotation.step");
    assertThat(Files.readAllBytes(envFile)).isEqualTo(targetBefore);
    stand.iam.propagationDelay(Duration.ZERO);
    assertThat(stand.currentWorks()).as("the untouched current key still works").isTrue();
  }

  @Test
  void aTargetCheckRejectingTheNewConfigRollsBackAndExitsSix() throws Exception {
    byte[] targetBefore = Files.readAllBytes(envFile);

    CliResult run = stand.sesame("rotate", "prod", "--targets", targets("exit 3").toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
    assertThat(stand.iamWrites()).containsExactly("CreateAccessKey", "DeleteAccessKey");
    assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
    assertThat(stand.currentKey()).isEqualTo(stand.firstKey);
    assertThat(stand.pending()).isEmpty();
    assertThat(Files.readAllBytes(envFile)).isEqualTo(targetBefore);
    assertThat(stand.currentWorks()).isTrue();
  }

  @Test
  void revokeWithTwoKeysThroughTheCli() throws Exception {
    String other = stand.iam.createAccessKey(RotationStand.USER).accessKeyId();

    CliResult run = stand.sesame("revoke", "prod", "--targets", targets.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = stand.currentKey();
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(stand.iamWrites().subList(0, 2)).containsOnly("UpdateAccessKey");
    assertThat(run.out()).contains("deactivated " + stand.firstKey).contains("deactivated " + other)
        .contains("CloudTrail");
    assertThat(Files.readString(envFile)).contains(newKey);

    CliResult status = stand.sesame("status", "prod");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains(newKey).contains("no rotation in progress");
  }
}
