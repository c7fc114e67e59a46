package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
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
 * users run them: the CLI (in process) whose real SDK reaches the stand-in through AWS_ENDPOINT_URL, with
 * credentials from the environment (as an instance role would provide them), and no key file.
 */
class AwsKeySourcesCliTest {
  private static final String PASSWORD = "relay-password-0123";

  @TempDir
  Path dir;

  private StandInAws aws;
  private AwsStandIn standIn;
  private KmsHandler kms;
  private SesameCli sesame;
  private Path vault;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    kms = standIn.kms();
    vault = dir.resolve("vault.json");
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    sesame = SesameCli.withTmpDir(tmp)
        .env(aws.cliEnvironment(dir))
        .env("AWS_MAX_ATTEMPTS", "2");
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void aVaultMadeWithAKmsKeyOpensWithNoKeyFileAndNoPassphraseOnAHostThatPinsItsArn() {
    String keyId = kms.createKey("sesame-hosts");
    Result init = sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts");
    ok(init);
    assertThat(init.err()).contains("pin on hosts: --trusted-key " + kms.arn(keyId));
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(keyId));
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
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(keyId));
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    kms.denyDecrypt(keyId, true);

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).startsWith("sesame: wrong key: AWS KMS").contains("AccessDeniedException");
    assertThat(get.out()).isEmpty();
  }

  @Test
  void aSlotEditedToNameAnotherTrustedKmsKeyExits3WithOneLine() throws Exception {
    String hostsKey = kms.createKey("sesame-hosts");
    String otherKey = kms.createKey();
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(hostsKey) + "," + kms.arn(otherKey));
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
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(kms.createKey("sesame-hosts")));
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
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(keyId));
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
    Result init = sesame.run("init", "--vault", vault.toString(), "--sm-key-secret", "sesame/vault-key");
    ok(init);
    String secretArn = standIn.secretsManager().arnOf("sesame/vault-key");
    assertThat(init.err()).contains("pin on hosts: --trusted-key " + secretArn);
    Result untrusted = sesame.run("get", "relay", "--vault", vault.toString(), "--trusted-key", kms.arn(kms.createKey()));
    assertThat(untrusted.exitCode()).as(untrusted.toString()).isEqualTo(3);
    assertThat(untrusted.err()).contains("sesame/vault-key").contains("does not trust");
    sesame.env("SESAME_TRUSTED_KEYS", secretArn);
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

    // Which classes a JVM loads is seen only in a JVM of its own.
    SesameProcess.Result get = SesameProcess.withTmpDir(Files.createDirectories(dir.resolve("child-tmp")))
        .env(sesame.environment()).env("JAVA_TOOL_OPTIONS", "-verbose:class")
        .run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(get.out()).contains(PASSWORD).contains("dev.sesame.vault.Vault ").doesNotContain("software.amazon");
    assertThat(standIn.calls()).isEmpty();
  }

  @Test
  void aForgedVaultNamingAKeyThisHostDoesNotTrustIsRefusedWithExit3AndNoRequestNamesThatKey() throws Exception {
    String hostsKey = kms.createKey("sesame-hosts");
    String attackerKey = kms.createKey();
    // A perfect forgery: a whole vault sealed under a key the attacker may use, MAC and all.
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", kms.arn(attackerKey)));
    ok(sesame.env("SESAME_TRUSTED_KEYS", kms.arn(attackerKey)).runWithStdin(PASSWORD + "\n", "put", "relay",
        "--host", "attacker.example", "--port", "587", "--smtp-username", "u", "--smtp-password-stdin",
        "--vault", vault.toString()));
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(hostsKey));
    standIn.clearCalls();
    int namedBefore = kms.namedKeys().size();

    Result get = sesame.run("get", "relay", "--field", "smtp_host", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).contains(kms.arn(attackerKey)).contains("does not trust").contains("tampering");
    assertThat(get.out()).isEmpty();
    assertThat(standIn.calls()).isEmpty();
    assertThat(kms.namedKeys()).hasSize(namedBefore);
  }

  @Test
  void theSlotOfTheIssueInAnotherRegionAndAccountIsRefusedBeforeAnyAwsCall() throws Exception {
    Path key = dir.resolve("vault.key");
    ok(sesame.run("init", "--vault", vault.toString(), "--key-file", key.toString()));
    // The reproduction: a key-file slot rewritten as an aws-kms slot naming another account's key.
    String text = Files.readString(vault).replace("\"type\" : \"key-file\"", "\"type\" : \"aws-kms\"")
        .replace("\"params\" : { }", "\"params\" : { \"key-arn\" : \"arn:aws:kms:eu-west-3:999999999999:key/attacker-key\", "
            + "\"key-id\" : \"attacker\", \"region\" : \"eu-west-3\" }");
    Files.writeString(vault, text);
    sesame.env("SESAME_TRUSTED_KEYS", kms.arn(kms.createKey("sesame-hosts")));

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.err()).contains("arn:aws:kms:eu-west-3:999999999999:key/attacker-key").contains("does not trust");
    assertThat(standIn.calls()).isEmpty();
  }

  @Test
  void withNoTrustedKeyConfiguredAnAwsSlotIsRefusedWithExit3AndNoAwsCall() {
    kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    standIn.clearCalls();

    Result get = sesame.run("get", "relay", "--vault", vault.toString());

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).contains("trusts no AWS key").contains("--trusted-key");
    assertThat(standIn.calls()).isEmpty();
  }

  @Test
  void aRootOwnedTrustFileOpensTheVaultAndOneOthersMayWriteIsRefusedWithExit2() throws Exception {
    String keyId = kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));
    Path trustFile = dir.resolve("trusted-keys");
    Files.writeString(trustFile, "# pinned by the fleet's operator\n" + kms.arn(keyId) + "  # sesame-hosts\n");
    Files.setPosixFilePermissions(trustFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    sesame.env("SESAME_TRUST_FILE", trustFile.toString());
    ok(putRelay());

    ok(sesame.run("get", "relay", "--vault", vault.toString()));
    Files.setPosixFilePermissions(trustFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
    Result groupWritable = sesame.run("get", "relay", "--vault", vault.toString());
    assertThat(groupWritable.exitCode()).as(groupWritable.toString()).isEqualTo(2);
    assertThat(groupWritable.err()).contains("writable by no one else");
  }

  @Test
  void anAliasAsATrustedKeyIsAUsageErrorNamingTheFix() {
    kms.createKey("sesame-hosts");
    ok(sesame.run("init", "--vault", vault.toString(), "--kms-key", "alias/sesame-hosts"));

    Result get = sesame.run("get", "relay", "--vault", vault.toString(), "--trusted-key", "alias/sesame-hosts");

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(2);
    assertThat(get.err()).contains("alias/sesame-hosts").contains("never an alias");
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
