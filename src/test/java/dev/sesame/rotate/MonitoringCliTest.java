package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.vault.Credential;
import dev.sesame.vault.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What scripts and monitoring read, through the CLI against the AWS and SES stand-ins:
 * `rotate --output json`, `status --offline` (no AWS call), `status --output json`,
 * `sesame metrics` (Prometheus text, atomic --out) and the SMTP proof's line per attempt.
 */
class MonitoringCliTest {
  @RegisterExtension
  static final RotationStandExtension WORLD = new RotationStandExtension(587);

  @TempDir
  Path dir;
  private RotationStand stand;

  @BeforeEach
  void world() throws Exception {
    stand = WORLD.stand();
  }

  private void noSecretIn(CliResult run) throws Exception {
    Credential current = stand.version(Label.CURRENT).credential();
    for (String secret : new String[] {current.field(Credential.SMTP_PASSWORD).orElseThrow(),
        current.field(Credential.SECRET_ACCESS_KEY).orElseThrow()}) {
      assertThat(run.out() + run.err()).doesNotContain(secret);
    }
  }

  @Test
  void rotateWithJsonOutputPrintsOneObjectAndProgressOnStderr() throws Exception {
    CliResult run = stand.sesame("rotate", "prod", "--retire-now", "--drain", "0s", "--output", "json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertThat(result.path("ok").asBoolean()).isTrue();
    assertThat(result.path("outcome").asText()).isEqualTo("rotated");
    assertThat(result.path("current").path("access_key_id").asText()).isEqualTo(stand.currentKey());
    assertThat(result.path("rotation").path("in_progress").asBoolean()).isFalse();
    assertThat(Instant.parse(result.path("rotation").path("last_finished_at").asText()))
        .isAfter(Instant.now().minus(Duration.ofMinutes(5)));
    assertThat(run.err()).contains("created access key " + stand.currentKey()).contains("is now current");
    noSecretIn(run);
  }

  @Test
  void revokeWithJsonOutputPrintsTheSameShapeWithItsOwnAction() throws Exception {
    CliResult run = stand.sesame("revoke", "prod", "--output", "json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertThat(result.path("ok").asBoolean()).isTrue();
    assertThat(result.path("entry").asText()).isEqualTo("prod");
    assertThat(result.path("action").asText()).isEqualTo("revoke");
    assertThat(result.path("outcome").asText()).isEqualTo("rotated");
    assertThat(result.path("current").path("access_key_id").asText()).isEqualTo(stand.currentKey())
        .isNotEqualTo(stand.firstKey);
    assertThat(run.err()).contains("deactivated " + stand.firstKey);
    noSecretIn(run);
  }

  @Test
  void theSmtpProofPrintsALinePerRefusedAttemptOnStderr() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));
    CliResult run = stand.sesame("rotate", "prod", "--smtp-deadline", "2s");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(8);
    assertThat(run.err()).containsPattern("SMTP attempt 1 refused by [^ ]+ \\(auth rejected: a new key is refused "
        + "while IAM propagates it\\); \\d+s elapsed, \\d+s left before the deadline; next attempt in \\d+s");
    assertThat(run.err()).contains("SMTP attempt 2 refused");
    assertThat(run.out()).doesNotContain("SMTP attempt");
    noSecretIn(run);
  }

  @Test
  void statusOfflineShowsLocalFactsWithoutCallingAws() throws Exception {
    assertThat(stand.sesame("rotate", "prod").exitCode()).isZero();
    stand.aws.standIn().clearCalls();
    CliResult offline = stand.sesame("status", "prod", "--offline");
    assertThat(offline.exitCode()).as(offline.toString()).isZero();
    assertThat(offline.out()).contains("version 2").contains("current").contains(stand.currentKey())
        .contains("retiring previous key " + stand.firstKey).contains("offline");
    assertThat(stand.aws.standIn().calls()).isEmpty();

    CliResult json = stand.sesame("status", "prod", "--offline", "--output", "json");
    JsonNode status = new ObjectMapper().readTree(json.out());
    assertThat(status.path("offline").asBoolean()).isTrue();
    JsonNode current = null;
    for (JsonNode version : status.path("versions")) {
      if (version.path("labels").toString().contains("\"current\"")) {
        current = version;
      }
    }
    assertThat(current).as(json.out()).isNotNull();
    assertThat(current.path("access_key_id").asText()).isEqualTo(stand.currentKey());
    assertThat(current.path("age_seconds").asLong()).isBetween(0L, 300L);
    assertThat(status.path("retirement").path("key").asText()).isEqualTo(stand.firstKey);
    assertThat(status.has("iam_keys")).isFalse();
    assertThat(stand.aws.standIn().calls()).isEmpty();
    noSecretIn(json);
  }

  @Test
  void statusJsonIncludesIamsViewOfTheKeys() throws Exception {
    CliResult json = stand.sesame("status", "prod", "--output", "json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonNode status = new ObjectMapper().readTree(json.out());
    assertThat(status.path("iam_keys").get(0).path("access_key_id").asText()).isEqualTo(stand.firstKey);
    assertThat(status.path("iam_keys").get(0).path("status").asText()).isEqualTo("Active");
    assertThat(status.path("iam_keys").get(0).path("label").asText()).isEqualTo("current");
    assertThat(status.path("rotation").path("in_progress").asBoolean()).isFalse();
  }

  @Test
  void metricsWritesThePrometheusTextFormatAtomically() throws Exception {
    CliResult before = stand.sesame("metrics");
    assertThat(before.exitCode()).as(before.toString()).isZero();
    assertThat(before.out()).contains("# HELP sesame_key_age_seconds ", "# TYPE sesame_key_age_seconds gauge\n",
        "# TYPE sesame_rotation_pending gauge\n", "sesame_rotation_pending{entry=\"prod\"} 0\n",
        "# TYPE sesame_last_rotation_success_timestamp_seconds gauge\n")
        .containsPattern("(?m)^sesame_key_age_seconds\\{entry=\"prod\"\\} \\d+$")
        .doesNotContain("sesame_last_rotation_success_timestamp_seconds{");
    noSecretIn(before);

    assertThat(stand.sesame("rotate", "prod").exitCode()).isZero();
    Path textfiles = Files.createDirectories(dir.resolve("textfile"));
    Path prom = textfiles.resolve("sesame.prom");
    CliResult after = stand.sesame("metrics", "--out", prom.toString());
    assertThat(after.exitCode()).as(after.toString()).isZero();
    assertThat(after.out()).isEmpty();
    String text = Files.readString(prom);
    long finished = Long.parseLong(text.lines()
        .filter(l -> l.startsWith("sesame_last_rotation_success_timestamp_seconds{entry=\"prod\"} "))
        .findFirst().orElseThrow().split(" ")[1]);
    assertThat(finished).isBetween(Instant.now().minusSeconds(300).getEpochSecond(), Instant.now().getEpochSecond());
    long age = Long.parseLong(text.lines().filter(l -> l.startsWith("sesame_key_age_seconds{entry=\"prod\"} "))
        .findFirst().orElseThrow().split(" ")[1]);
    assertThat(age).as("the new key's age").isBetween(0L, 300L);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(prom))).isEqualTo("rw-r--r--");
    try (var files = Files.list(textfiles)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sesame.prom");
    }
  }

  @Test
  void aStartedRotationShowsAsPending() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));
    // A rotation whose SMTP proof gives up is abandoned; a killed one stays recorded. Record one by hand.
    dev.sesame.vault.Vault.update(stand.vault, stand.keys, Duration.ofSeconds(10),
        v -> {
          v.setEntryState("prod", java.util.Map.of("rotation.step", "created", "rotation.token", "t-1",
              "rotation.mode", "scheduled", "rotation.started_at", Instant.now().toString()));
          return null;
        });
    CliResult metrics = stand.sesame("metrics");
    assertThat(metrics.out()).contains("sesame_rotation_pending{entry=\"prod\"} 1\n");
    CliResult offline = stand.sesame("status", "prod", "--offline", "--output", "json");
    JsonNode status = new ObjectMapper().readTree(offline.out());
    assertThat(status.path("rotation").path("in_progress").asBoolean()).isTrue();
    assertThat(status.path("rotation").path("step").asText()).isEqualTo("created");
  }
}
