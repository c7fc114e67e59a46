package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.KeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts (two processes, each with its own targets file and target folder) pull from one
 * Secrets Manager store: both render the same credential, restart once, then do nothing while
 * nothing changed, and both pick up a rotation on their next run, restarting once more. Values
 * are sealed under a KMS key that the hosts open with their (environment) credentials; no vault
 * file and no key file exist on the hosts.
 */
class FleetStoreCliTest {
  private static final String STORE = "sm://sesame/prod/";

  @TempDir
  Path dir;

  private StandInAws aws;
  private AwsStandIn standIn;
  private AwsClients rotatorClients;
  private SecretsManagerStore store;
  private SesameCli sesame;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    String storeKey = standIn.kms().createKey("sesame-store");
    rotatorClients = aws.clients();
    store = SecretsManagerStore.at(STORE, rotatorClients);
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")))
        .env(aws.cliEnvironment(dir))
        .env("SESAME_TRUSTED_KEYS", standIn.kms().arn(storeKey));
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void twoHostsRenderTheSameCredentialAndEachPicksUpARotationWithOneRestart() throws Exception {
    store.write("mail", Fixtures.smtp("first-password"), sealer(), false);
    Path hostA = host("a");
    Path hostB = host("b");

    pull(hostA);
    pull(hostB);
    assertThat(rendered(hostA)).isEqualTo(rendered(hostB)).isEqualTo("SMTP_PASSWORD='first-password'\n");
    assertThat(restarts(hostA)).isEqualTo(1);
    assertThat(restarts(hostB)).isEqualTo(1);

    standIn.clearCalls();
    pull(hostA);
    assertThat(restarts(hostA)).as("unchanged: no restart").isEqualTo(1);
    assertThat(standIn.calls()).extracting(AwsStandIn.Call::action).containsExactly("GetSecretValue", "Decrypt");

    String pending = store.write("mail", Fixtures.smtp("second-password"), sealer(), true);
    pull(hostA);
    assertThat(restarts(hostA)).as("pending is not current yet").isEqualTo(1);
    store.promote("mail", pending);

    pull(hostA);
    pull(hostB);
    assertThat(rendered(hostA)).isEqualTo(rendered(hostB)).isEqualTo("SMTP_PASSWORD='second-password'\n");
    assertThat(restarts(hostA)).isEqualTo(2);
    assertThat(restarts(hostB)).isEqualTo(2);
  }

  @Test
  void getReadsAnyLabelFromTheStore() throws Exception {
    store.write("mail", Fixtures.smtp("one"), sealer(), false);
    store.promote("mail", store.write("mail", Fixtures.smtp("two"), sealer(), true));

    Result current = sesame.run("get", "mail", "--store", STORE);
    Result previous = sesame.run("get", "mail", "--store", STORE, "--label", "previous");
    Result env = sesame.run("get", "mail", "--store", STORE, "--output", "env");

    assertThat(current.exitCode()).as(current.toString()).isZero();
    assertThat(current.out()).isEqualTo("two\n");
    assertThat(previous.out()).isEqualTo("one\n");
    assertThat(env.out()).contains("SMTP_PASSWORD='two'\n");

    // Configured instead of named: $SESAME_STORE is every store option's default.
    Result configured = sesame.env("SESAME_STORE", STORE).run("get", "mail");
    Result listed = sesame.run("list");
    assertThat(configured.exitCode()).as(configured.toString()).isZero();
    assertThat(configured.out()).isEqualTo("two\n");
    assertThat(listed.out()).isEqualTo("mail\n");
  }

  @Test
  void getPrintsOneJsonShapeForAVaultEntryAndAStoreEntry() throws Exception {
    store.write("mail", Fixtures.smtp("from-the-store"), sealer(), false);
    Path vault = vaultWithMail("from-the-vault");
    Path keyFile = dir.resolve("vault.key");

    Result fromStore = sesame.run("get", "mail", "--store", STORE, "--output", "json");
    Result fromVault = sesame.run("get", "mail", "--vault", vault.toString(), "--key-file", keyFile.toString(),
        "--output", "json");

    assertThat(fromStore.exitCode()).as(fromStore.toString()).isZero();
    assertThat(fromVault.exitCode()).as(fromVault.toString()).isZero();
    JsonNode storeJson = new ObjectMapper().readTree(fromStore.out());
    JsonNode vaultJson = new ObjectMapper().readTree(fromVault.out());
    List<String> keys = List.of("name", "version", "version_id", "type", "labels", "stages", "fields");
    assertThat(names(storeJson)).containsExactlyElementsOf(keys);
    assertThat(names(vaultJson)).containsExactlyElementsOf(keys);
    assertThat(names(storeJson.get("fields"))).isEqualTo(names(vaultJson.get("fields")));
    assertThat(vaultJson.get("version").asInt()).isEqualTo(1);
    assertThat(vaultJson.get("version_id").asText()).isEqualTo("1");
    assertThat(vaultJson.get("stages")).isEmpty();
    assertThat(storeJson.get("version").isNull()).isTrue();
    assertThat(storeJson.get("version_id").asText()).isNotEmpty();
    assertThat(storeJson.get("stages").toString()).isEqualTo("[\"AWSCURRENT\"]");
    assertThat(storeJson.get("labels").toString()).isEqualTo(vaultJson.get("labels").toString()).isEqualTo("[\"current\"]");
    assertThat(storeJson.get("fields").get("smtp_password").asText()).isEqualTo("from-the-store");
    assertThat(vaultJson.get("fields").get("smtp_password").asText()).isEqualTo("from-the-vault");
  }

  @Test
  void listPrintsOneJsonShapeForTheVaultAndTheStore() throws Exception {
    store.write("mail", Fixtures.smtp("one"), sealer(), false);
    store.write("mail", Fixtures.smtp("two"), sealer(), false);
    Path vault = vaultWithMail("one", "two");
    Path keyFile = dir.resolve("vault.key");

    Result fromStore = sesame.run("list", "--store", STORE, "--output", "json");
    Result fromVault = sesame.run("list", "--vault", vault.toString(), "--key-file", keyFile.toString(),
        "--output", "json");

    assertThat(fromStore.exitCode()).as(fromStore.toString()).isZero();
    assertThat(fromVault.exitCode()).as(fromVault.toString()).isZero();
    assertThat(fromStore.out()).doesNotContain("one").doesNotContain("two");
    JsonNode storeEntry = new ObjectMapper().readTree(fromStore.out()).get("entries").get(0);
    JsonNode vaultEntry = new ObjectMapper().readTree(fromVault.out()).get("entries").get(0);
    assertThat(names(storeEntry)).isEqualTo(names(vaultEntry)).containsExactly("name", "versions");
    assertThat(storeEntry.get("versions")).hasSize(2);
    assertThat(vaultEntry.get("versions")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(names(storeEntry.get("versions").get(i))).isEqualTo(names(vaultEntry.get("versions").get(i)))
          .containsExactly("version", "version_id", "type", "created_at", "labels");
      assertThat(storeEntry.get("versions").get(i).get("labels"))
          .isEqualTo(vaultEntry.get("versions").get(i).get("labels"));
    }
  }

  @Test
  void theVaultAndTheStoreAreOneChoiceGivenOnTheCommandLineOverTheOthersDefault() throws Exception {
    store.write("mail", Fixtures.smtp("from-the-store"), sealer(), false);
    Path vault = vaultWithMail("from-the-vault");
    Path keyFile = dir.resolve("vault.key");

    Result both = sesame.run("get", "mail", "--vault", vault.toString(), "--store", STORE,
        "--key-file", keyFile.toString());
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.err()).contains("give --vault FILE or --store sm://PREFIX, not both");
    assertThat(both.out()).isEmpty();

    Result vaultOverStoreDefault = sesame.env("SESAME_STORE", STORE)
        .run("get", "mail", "--vault", vault.toString(), "--key-file", keyFile.toString());
    Result storeOverVaultDefault = sesame.env("SESAME_VAULT", vault.toString()).env("SESAME_STORE", "")
        .run("get", "mail", "--store", STORE);
    assertThat(vaultOverStoreDefault.out()).as(vaultOverStoreDefault.toString()).isEqualTo("from-the-vault\n");
    assertThat(storeOverVaultDefault.out()).as(storeOverVaultDefault.toString()).isEqualTo("from-the-store\n");
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void metricsReportEachStoreEntrysKeyAgeAndAPendingVersionWithoutASecret() throws Exception {
    store.write("mail", Fixtures.smtp("store-secret-one"), sealer(), false);
    store.write("relay", Fixtures.smtp("store-secret-two"), sealer(), false);
    store.write("relay", Fixtures.smtp("store-secret-three"), sealer(), true); // AWSPENDING, not promoted

    Result metrics = sesame.run("metrics", "--store", STORE);

    assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
    assertThat(metrics.out())
        .contains("# TYPE sesame_key_age_seconds gauge\n", "sesame_rotation_pending{entry=\"mail\"} 0\n",
            "sesame_rotation_pending{entry=\"relay\"} 1\n")
        .containsPattern("(?m)^sesame_key_age_seconds\\{entry=\"mail\"\\} \\d+$")
        .doesNotContain("store-secret");
    assertThat(metrics.err()).doesNotContain("store-secret");
  }

  @Test
  void aMissingEntryExits4AndADeniedKeyExits3() throws Exception {
    String keyId = standIn.kms().createKey("other");
    store.write("mail", Fixtures.smtp("one"), List.of(KmsKeySource.create(rotatorClients, "alias/other")), false);
    standIn.kms().denyDecrypt(keyId, true);

    Result missing = sesame.run("get", "nope", "--store", STORE);
    Result denied = sesame.run("get", "mail", "--store", STORE);

    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(4);
    assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(3);
    assertThat(denied.errLines()).hasSize(1);
  }

  @Test
  void anOperatorPutsThroughTheCliSealedUnderKmsAndAHostReadsIt() {
    Result put = sesame.runWithStdin("cli-password\n", "put", "mail", "--host", "smtp.example.test", "--port", "587",
        "--smtp-username", "relay-user", "--smtp-password-stdin", "--store", STORE,
        "--store-kms-key", "alias/sesame-store");
    Result list = sesame.run("list", "--store", STORE);
    Result get = sesame.run("get", "mail", "--store", STORE);

    assertThat(put.exitCode()).as(put.toString()).isZero();
    assertThat(put.err()).contains("sealed").contains("pin on hosts: --trusted-key arn:aws:kms:")
        .doesNotContain("cli-password");
    assertThat(list.out()).isEqualTo("mail\n");
    assertThat(get.out()).isEqualTo("cli-password\n");
    String stored = rotatorClients.secretsManager().getSecretValue(r -> r.secretId("sesame/prod/mail")).secretString();
    assertThat(stored).doesNotContain("cli-password");
  }

  @Test
  void execFromTheStorePassesTheExactValueAndTheChildsExitCode() throws Exception {
    store.write("mail", Fixtures.smtp("it's a $ecret \\ with \"quotes\""), sealer(), false);

    // exec's child writes to the real stdout: a JVM of its own, whose stdout the test reads.
    SesameProcess.Result exec = SesameProcess.withTmpDir(Files.createDirectories(dir.resolve("child-tmp")))
        .env(sesame.environment()).run("exec", "mail", "--store", STORE, "--", "/bin/sh", "-c",
        "printf '%s' \"$SMTP_PASSWORD\"; exit 42");

    assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(42);
    assertThat(exec.out()).isEqualTo("it's a $ecret \\ with \"quotes\"");
  }

  @Test
  void aPlainValueWrittenOverASealedEntryIsRefusedWithExit3UnlessTheHostSaysThePlainStoreIsMeant() throws Exception {
    store.write("mail", Fixtures.smtp("sealed-password"), sealer(), false);
    // What a principal holding only secretsmanager:PutSecretValue can do.
    store.write("mail", Fixtures.smtp("attacker-password"), List.of(), false);
    standIn.clearCalls();

    Result get = sesame.run("get", "mail", "--store", STORE);
    Result render = sesame.run("exec", "mail", "--store", STORE, "--", "/bin/true");
    Result meant = sesame.run("get", "mail", "--store", STORE, "--store-plain");

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.errLines()).hasSize(1);
    assertThat(get.err()).contains("plain value").contains("tampering").doesNotContain("attacker-password");
    assertThat(get.out()).isEmpty();
    assertThat(render.exitCode()).as(render.toString()).isEqualTo(3);
    assertThat(standIn.calls("Decrypt")).isZero();
    assertThat(meant.out()).isEqualTo("attacker-password\n");
  }

  @Test
  void aValueSealedUnderAKeyTheHostDoesNotTrustIsRefusedWithExit3AndNoRequestNamesThatKey() throws Exception {
    String attackerKey = standIn.kms().createKey();
    store.write("mail", Fixtures.smtp("forged"), List.of(KmsKeySource.create(rotatorClients, attackerKey)), false);
    standIn.clearCalls();
    int named = standIn.kms().namedKeys().size();

    Result get = sesame.run("get", "mail", "--store", STORE);

    assertThat(get.exitCode()).as(get.toString()).isEqualTo(3);
    assertThat(get.err()).contains(standIn.kms().arn(attackerKey)).contains("does not trust");
    assertThat(standIn.calls()).extracting(AwsStandIn.Call::action).containsExactly("GetSecretValue");
    assertThat(standIn.kms().namedKeys()).hasSize(named);
  }

  @Test
  void aSecretNameSecretsManagerWouldRefuseOrMisreadExits2BeforeAnyAwsCall() {
    standIn.clearCalls();

    Result suffixLike = sesame.run("get", "mail-backup", "--store", STORE);
    Result badPrefix = sesame.run("get", "mail", "--store", "sm://sesame prod/");

    assertThat(suffixLike.exitCode()).as(suffixLike.toString()).isEqualTo(2);
    assertThat(suffixLike.err()).contains("hyphen and six characters");
    assertThat(badPrefix.exitCode()).as(badPrefix.toString()).isEqualTo(2);
    assertThat(badPrefix.err()).contains("/_+=.@-");
    assertThat(standIn.calls()).isEmpty();
  }

  @Test
  void putToTheStoreMustSaySealedOrPlain() {
    Result put = sesame.runWithStdin("pw\n", "put", "mail", "--host", "h", "--port", "587",
        "--smtp-username", "u", "--smtp-password-stdin", "--store", STORE);

    assertThat(put.exitCode()).as(put.toString()).isEqualTo(2);
  }

  private List<dev.sesame.vault.KeySource> sealer() {
    return List.of(KmsKeySource.create(rotatorClients, "alias/sesame-store"));
  }

  private Path host(String name) throws Exception {
    Path host = Files.createDirectory(dir.resolve("host-" + name));
    Files.writeString(host.resolve("smtp.env.tmpl"), "SMTP_PASSWORD=${smtp_password}\n");
    Files.writeString(host.resolve("targets.toml"), String.join("\n",
        "[[target]]",
        "entry    = \"mail\"",
        "template = \"smtp.env.tmpl\"",
        "out      = \"smtp.env\"",
        "format   = \"shell\"",
        "restart  = \"echo restarted >> " + host.resolve("restarts.log") + "\"",
        ""));
    return host;
  }

  private void pull(Path host) {
    Result result = sesame.run("render", "--targets", host.resolve("targets.toml").toString(), "--store", STORE);
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  private static String rendered(Path host) throws Exception {
    return Files.readString(host.resolve("smtp.env"));
  }

  private static int restarts(Path host) throws Exception {
    Path log = host.resolve("restarts.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  /** A vault beside the store (key file vault.key in the same folder) whose entry mail holds PASSWORDS in turn. */
  private Path vaultWithMail(String... passwords) throws Exception {
    Path vault = dir.resolve("vault.json");
    KeySource key = Fixtures.keyFile(dir.resolve("vault.key"));
    Fixtures.createVault(vault, key, 3);
    for (String password : passwords) {
      Fixtures.put(vault, key, "mail", Fixtures.smtp(password));
    }
    return vault;
  }
}
