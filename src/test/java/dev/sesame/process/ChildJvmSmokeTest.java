package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.vault.KeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real JVM per command family whose other tests run in process (SesameCli): proves each still
 * starts, parses and exits as a process does. init, put, get, list, rm, rekey, passwd and
 * smtp-password run as child JVMs in SecretHygieneTest, exec in ExecAndEnvTest, render in
 * RenderSetKillTest and rotate in RotationKillEndToEndTest.
 */
class ChildJvmSmokeTest {
  private static final String PASSWORD = "relay-password-0123";

  @TempDir
  Path dir;
  private Path vault;
  private Path key;
  private SesameProcess child;

  @BeforeEach
  void vaultWithAnEntry() throws Exception {
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    KeySource source = Fixtures.keyFile(key);
    Fixtures.createVault(vault, source, 5);
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    SesameCli.Result put = SesameCli.withTmpDir(tmp).env("SESAME_VAULT", vault.toString())
        .env("SESAME_KEY_FILE", key.toString()).runWithStdin(PASSWORD + "\n", "put", "relay", "--host",
            "smtp.example.test", "--port", "587", "--smtp-username", "relay-user", "--smtp-password-stdin");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    child = SesameProcess.withTmpDir(tmp).env("SESAME_VAULT", vault.toString()).env("SESAME_KEY_FILE", key.toString())
        // Nothing here may reach AWS: an endpoint that refuses at once.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1").env("AWS_REGION", "eu-west-1")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE").env("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
        .env("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString())
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString())
        .env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_MAX_ATTEMPTS", "1");
  }

  @Test
  void policyPrintsAPolicyDocument() {
    SesameProcess.Result policy = child.run("policy", "--from-domain", "example.test");
    assertThat(policy.exitCode()).as(policy.toString()).isZero();
    assertThat(policy.out()).contains("\"Statement\"");
  }

  @Test
  void scanFindsAPlainTextPasswordAndExits11() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("host"));
    Files.writeString(tree.resolve("mail.php"), "<?php\n$mail->Username = 'AKIAIOSFODNN7EXAMPLE';\n"
        + "$mail->Password = 'BP0Gv7o5vEXAMPLEPASSWORDzzzzzzzzzzzzzzzzzzzz';\n");
    SesameProcess.Result scan = child.run("scan", tree.toString());
    assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(11);
  }

  @Test
  void statusOfflineMetricsAndAuditVerifyRead() {
    SesameProcess.Result status = child.run("status", "relay", "--offline");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("relay");
    SesameProcess.Result metrics = child.run("metrics");
    assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
    assertThat(metrics.out()).contains("sesame_");
    // A vault no rotation has touched has no audit log yet: the documented "not found".
    SesameProcess.Result audit = child.run("audit", "verify");
    assertThat(audit.exitCode()).as(audit.toString()).isEqualTo(4);
    assertThat(audit.err()).isEqualTo("sesame: no audit log at " + vault + ".audit\n");
  }

  @Test
  void doctorWithoutAwsReportsOnTheEntry() {
    SesameProcess.Result doctor = child.run("doctor", "relay", "--no-aws", "--output", "json");
    assertThat(doctor.out()).as(doctor.toString()).contains("\"findings\"");
  }

  @Test
  void anAwsCommandAgainstAnUnreachableEndpointExits7() {
    SesameProcess.Result domains = child.run("ses-domains");
    assertThat(domains.exitCode()).as(domains.toString()).isEqualTo(7);
    assertThat(domains.errLines()).hasSize(1);
  }
}
