package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeySource;
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
 * `sesame rotate|revoke|status --store` as a fleet's rotator runs them: the CLI (in process)
 * against the AWS and SES stand-ins, the entry in the Secrets Manager store sealed under a KMS
 * key, the rotator's lock and audit log in --state-dir, and a host pulling the result.
 */
class StoreRotateCliEndToEndTest {
  private static final String STORE = "sm://sesame/prod/";

  @TempDir
  static Path certDir;
  private static StandCertificate cert;

  @TempDir
  Path dir;
  private RotationStand stand;
  private SecretsManagerStore store;
  private List<KeySource> openers;
  private Path stateDir;

  @BeforeAll
  static void certificate() throws Exception {
    cert = StandCertificate.create(certDir);
  }

  @BeforeEach
  void world() throws Exception {
    stand = RotationStand.start(dir, cert, 587);
    store = stand.storeWithCurrentKey(STORE, "sesame-store");
    openers = stand.storeOpeners();
    stateDir = dir.resolve("rotator-state");
  }

  @AfterEach
  void stop() {
    stand.close();
  }

  @Test
  void rotateWithTheStoreFinishesOnTheNewKey() throws Exception {
    CliResult run = stand.sesame("rotate", "prod", "--store", STORE, "--state-dir", stateDir.toString(),
        "--retire-now", "--drain", "0s");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    StoredEntry current = store.read("prod", Label.CURRENT, openers);
    String newKey = current.credential().field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(newKey).isNotEqualTo(stand.firstKey);
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(current.sealed()).isTrue();
    assertThat(run.out()).contains("is now current").contains("deleted previous key " + stand.firstKey);
    String password = current.credential().field(Credential.SMTP_PASSWORD).orElseThrow();
    assertThat(run.out() + run.err()).doesNotContain(password);

    Path audit = stateDir.resolve("store-sesame_prod_.audit");
    assertThat(Files.readString(audit)).contains("\"step\":\"finish\"").doesNotContain(password)
        .doesNotContain(newKey);
    CliResult verify = stand.sesame("audit", "verify", "--file", audit.toString());
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
  }

  @Test
  void twoPullingHostsEachRestartOnceForTheRotationAndNotAgain() throws Exception {
    Path hostA = host("a");
    Path hostB = host("b");
    pull(hostA);
    pull(hostB);
    assertThat(Files.readString(hostA.resolve("smtp.env"))).isEqualTo("SMTP_USERNAME='" + stand.firstKey + "'\n")
        .isEqualTo(Files.readString(hostB.resolve("smtp.env")));

    CliResult run = stand.sesame("rotate", "prod", "--store", STORE, "--state-dir", stateDir.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = store.read("prod", Label.CURRENT, openers).credential().field(Credential.ACCESS_KEY_ID)
        .orElseThrow();
    assertThat(stand.iam.key(stand.firstKey).orElseThrow().active()).as("kept for the grace period").isTrue();

    for (Path host : List.of(hostA, hostB)) {
      pull(host);
      pull(host);
      assertThat(Files.readString(host.resolve("smtp.env"))).isEqualTo("SMTP_USERNAME='" + newKey + "'\n");
      assertThat(Files.readAllLines(host.resolve("restarts.log"))).as("first render, then the rotation, once")
          .hasSize(2);
    }
  }

  private Path host(String name) throws Exception {
    Path host = Files.createDirectory(dir.resolve("host-" + name));
    Files.writeString(host.resolve("smtp.env.tmpl"), "SMTP_USERNAME=${smtp_username}\n");
    Files.writeString(host.resolve("targets.toml"), "[[target]]\nentry = \"prod\"\ntemplate = \""
        + host.resolve("smtp.env.tmpl") + "\"\nout = \"" + host.resolve("smtp.env") + "\"\nformat = \"shell\"\n"
        + "restart = \"echo restarted >> " + host.resolve("restarts.log") + "\"\n");
    return host;
  }

  private void pull(Path host) throws Exception {
    CliResult pull = stand.sesame("render", "--targets", host.resolve("targets.toml").toString(), "--store", STORE);
    assertThat(pull.exitCode()).as(pull.toString()).isZero();
  }

  @Test
  void statusWithTheStoreShowsVersionIdsLabelsAndIamKeys() throws Exception {
    CliResult rotate = stand.sesame("rotate", "prod", "--store", STORE, "--state-dir", stateDir.toString());
    assertThat(rotate.exitCode()).as(rotate.toString()).isZero();

    CliResult status = stand.sesame("status", "prod", "--store", STORE, "--state-dir", stateDir.toString());

    assertThat(status.exitCode()).as(status.toString()).isZero();
    StoredEntry current = store.read("prod", Label.CURRENT, openers);
    assertThat(status.out()).contains(current.versionId()).contains("current").contains("previous")
        .contains("retiring previous key " + stand.firstKey)
        .doesNotContain(current.credential().field(Credential.SMTP_PASSWORD).orElseThrow());
  }

  @Test
  void smtpNeverAcceptingExitsEightAndAwsCurrentStaysOnTheOldKey() throws Exception {
    stand.iam.propagationDelay(Duration.ofHours(1));

    CliResult run = stand.sesame("rotate", "prod", "--store", STORE, "--state-dir", stateDir.toString(),
        "--smtp-deadline", "1s");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(8);
    // One progress line per refused attempt, then the one error line.
    List<String> err = run.errLines();
    assertThat(err.subList(0, err.size() - 1)).isNotEmpty().allMatch(line -> line.startsWith("SMTP attempt "));
    assertThat(err.get(err.size() - 1)).startsWith("sesame: ");
    assertThat(store.read("prod", Label.CURRENT, openers).credential().field(Credential.ACCESS_KEY_ID))
        .contains(stand.firstKey);
    assertThat(stand.iamKeys()).containsExactly(stand.firstKey);
  }

  @Test
  void revokeWithTheStoreLeavesOnlyANewKeyCurrent() throws Exception {
    CliResult run = stand.sesame("revoke", "prod", "--store", STORE, "--state-dir", stateDir.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = store.read("prod", Label.CURRENT, openers).credential().field(Credential.ACCESS_KEY_ID)
        .orElseThrow();
    assertThat(stand.iamKeys()).containsExactly(newKey);
    assertThat(run.out()).contains("deactivated " + stand.firstKey).contains("CloudTrail");
  }

  @Test
  void aMissingStoreEntryExitsFour() throws Exception {
    CliResult run = stand.sesame("rotate", "nope", "--store", STORE, "--state-dir", stateDir.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
    assertThat(run.errLines()).hasSize(1);
  }
}
