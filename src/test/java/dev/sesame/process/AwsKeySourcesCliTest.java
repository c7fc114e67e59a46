package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.KmsHandler;
import dev.sesame.testing.aws.StandInAws;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `init`, `passwd` and opening a vault through AWS KMS and Secrets Manager key sources, run as
 * users run them: a child JVM whose real SDK reaches the stand-in through AWS_ENDPOINT_URL, with
 * credentials from the environment (as an instance role would provide them), and no key file.
 */
class AwsKeySourcesCliTest {
  private static final String PASSWORD = "relay-password-0123";

  @TempDir
  Path dir;

  private StandInAws aws;
  private AwsStandIn standIn;
  private KmsHandler kms;
  private SesameProcess sesame;
  private Path vault;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    kms = standIn.kms();
    vault = dir.resolve("vault.json");
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    sesame = SesameProcess.withTmpDir(tmp).workDir(dir)
        .env("AWS_ENDPOINT_URL", standIn.endpoint().toString())
        .env("AWS_REGION", StandInAws.REGION)
        .env("AWS_ACCESS_KEY_ID", StandInAws.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", StandInAws.SECRET_ACCESS_KEY)
        .env("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString())
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "2");
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void aVaultMadeWithAKmsKeyOpensWithNoKeyFileAndNoPassphrase() {
    kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    ok(putRelay());

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    ok(get);
    assertThat(get.out()).isEqualTo(PASSWORD + "\n");
    assertThat(get.err()).isEmpty();
    assertThat(standIn.calls("Decrypt")).isEqualTo(2);
    assertThat(dir.toFile().list()).noneMatch(n -> n.endsWith(".key"));
  }

  @Test
  void aDeniedDecryptExits3WithOneLine() {
    String keyId = kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    kms.denyDecrypt(keyId, true);

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).startsWith("sesame: wrong key: AWS KMS").contains("AccessDeniedException");
    assertThat(get.out()).isEmpty();
  }

  @Test
  void aSlotNamingAnotherKmsKeyExits3WithOneLine() throws Exception {
    kms.createKey("sesame-hosts");
    String otherKey = kms.createKey();
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    String text = Files.readString(vault);
    String arn = text.replaceAll("(?s).*\"key-arn\" ?: ?\"([^\"]+)\".*", "$1");
    Files.writeString(vault, text.replace(arn, kms.arn(otherKey)));

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).contains("IncorrectKeyException");
  }

  @Test
  void kmsFailingAfterRetriesExits7NotAWrongKey() {
    kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    standIn.faults().serverError("Decrypt", 20);

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(7);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).contains("kms:Decrypt failed: service error");
  }

  @Test
  void kmsForHostsPlusARecoveryPassphraseEachOpenTheVaultAlone() {
    String keyId = kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    ok(putRelay());
    ok(sesame.runWithStdin("offline recovery words for the fleet\n", concat("passwd", "--add", "--new-passphrase-stdin",
        "--vault", vault.toString())));

    ok(sesame.run("get", "relay", "--vault", vault.toString()));
    kms.denyDecrypt(keyId, true);
    standIn.clearCalls();
    Result viaPassphrase = sesame.runWithStdin("offline recovery words for the fleet\n", "get", "relay", "--vault", vault.toString(),
        "--passphrase-stdin");

    ok(viaPassphrase);
    assertThat(viaPassphrase.out()).isEqualTo(PASSWORD + "\n");
    assertThat(standIn.calls()).isEmpty();
  }

  @Test
  void aSecretsManagerKeySecretIsCreatedAtInitAndOpensTheVault() {
    ok(sesame.run("init", "--vault", vault.toString(), "--sm-key-secret", "sesame/vault-key"));
    ok(putRelay());
    standIn.clearCalls();

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    ok(get);
    assertThat(get.out()).isEqualTo(PASSWORD + "\n");
    assertThat(standIn.calls()).extracting(AwsStandIn.Call::action).containsExactly("GetSecretValue");
  }

  @Test
  void aKeyFileOpensAVaultWithAKmsSlotWithoutLoadingTheSdkOrCallingAws() throws Exception {
    kms.createKey("sesame-hosts");
    Path key = dir.resolve("vault.key");
    ok(sesame.run("init", "--vault", vault.toString(), "--key-file", key.toString()));
    ok(sesame.run("passwd", "--add", "--new-kms-key", "alias/sesame-hosts", "--vault", vault.toString(),
        "--key-file", key.toString()));
    ok(sesame.runWithStdin(PASSWORD + "\n", "put", "relay", "--host", "smtp.example.test", "--port", "587",
        "--smtp-username", "relay-user", "--smtp-password-stdin", "--vault", vault.toString(),
        "--key-file", key.toString()));
    standIn.clearCalls();

    Result get = sesame.env("JAVA_TOOL_OPTIONS", "-verbose:class")
        .run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    ok(get);
    assertThat(get.out()).contains(PASSWORD).contains("dev.sesame.vault.Vault ").doesNotContain("software.amazon");
    assertThat(standIn.calls()).isEmpty();
  }

  private Result putRelay() {
    return sesame.runWithStdin(PASSWORD + "\n", "put", "relay", "--host", "smtp.example.test", "--port", "587",
        "--smtp-username", "relay-user", "--smtp-password-stdin", "--vault", vault.toString());
  }

  private static String[] concat(String... args) {
    return args;
  }

  private static void ok(Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }
}
