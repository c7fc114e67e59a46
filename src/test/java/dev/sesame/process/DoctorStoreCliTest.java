package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.doctor.Doctor;
import dev.sesame.aws.LeastPrivilegePolicy;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.SesV2Handler;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.smtp.TestPki;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sesame doctor NAME --store sm://PREFIX` on a fleet host: no vault file, the entry sealed under
 * a KMS key in the Secrets Manager stand-in, the IAM user's keys and policy in the IAM stand-in,
 * and an SES-like SMTP server named by the entry itself. Each run (in process) reaches the
 * stand-ins through AWS_ENDPOINT_URL, as a host's timer would.
 */
class DoctorStoreCliTest {
  private static final String STORE = "sm://sesame/prod/";
  private static final String USER = "ses-smtp-fleet";
  private static final String DOMAIN = "fleet.test";

  @TempDir
  Path dir;

  private StandInAws aws;
  private AwsStandIn standIn;
  private AwsClients operator;
  private SesameCli sesame;
  private SesStandIn smtp;
  private String kmsKey;
  private IamState.Key currentKey;

  @BeforeEach
  void fleet() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    SesV2Handler ses = new SesV2Handler();
    standIn.register(ses);
    ses.account(new SesV2Handler.Account(true, true, "HEALTHY"));
    kmsKey = standIn.kms().createKey("sesame-store");
    standIn.iam().createUser(USER);
    currentKey = standIn.iam().createAccessKey(USER);
    standIn.iam().policies().putInline(USER, "send",
        LeastPrivilegePolicy.forDomain(DOMAIN, List.of("198.51.100.0/24")).json());
    operator = aws.clients();
    TestPki pki = TestPki.create(dir, "fleet");
    smtp = SesStandIn.builder(pki.issue("ip:" + SesStandIn.ADDRESS, "EC").serverContext(), (u, p) -> false).start();
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")))
        .env(aws.cliEnvironment(dir))
        .env("SESAME_SMTP_CA_FILE", pki.caPem().toString())
        .env("SESAME_TRUSTED_KEYS", standIn.kms().arn(kmsKey));
  }

  @AfterEach
  void stop() throws Exception {
    smtp.close();
    aws.close();
  }

  @Test
  void aKmsSealedStoreEntryWithALeastPrivilegeUserPassesIamAndKeyAgeAndVaultChecksSkip() throws Exception {
    store(Clock.systemUTC()).write("mail", credential(currentKey), sealer(), false);

    Result r = doctor("mail", "--store", STORE);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    Map<String, JsonNode> f = byCheck(r);
    assertThat(f.keySet()).isEqualTo(Doctor.repertoire().keySet());
    assertThat(status(f, "iam.keys")).isEqualTo("PASS");
    assertThat(f.get("iam.keys").get("reason").asText()).contains("all held by store " + STORE)
        .contains(currentKey.accessKeyId());
    assertThat(status(f, "iam.policy")).isEqualTo("PASS");
    assertThat(status(f, "key.age")).isEqualTo("PASS");
    assertThat(f.get("key.age").get("subject").asText()).isEqualTo("entry mail");
    assertThat(status(f, "rotation.pending")).isEqualTo("PASS");
    for (String vault : List.of("vault.files", "vault.kdf")) {
      assertThat(status(f, vault)).isEqualTo("SKIP");
      assertThat(f.get(vault).get("subject").asText()).isEqualTo("store " + STORE);
      assertThat(f.get(vault).get("reason").asText()).contains("the entry is in the store");
    }
    assertThat(status(f, "smtp.starttls")).as("the endpoint is the store entry's own").isEqualTo("PASS");
    assertThat(f.get("smtp.starttls").get("subject").asText()).contains(SesStandIn.ADDRESS + ":" + smtp.port());
  }

  @Test
  void theStoreIsTheDefaultThroughSesameStoreAndTheTableNamesTheSameChecks() throws Exception {
    store(Clock.systemUTC()).write("mail", credential(currentKey), sealer(), false);

    Result r = sesame.env("SESAME_STORE", STORE).run("doctor", "mail");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    for (String id : Doctor.repertoire().keySet()) {
      assertThat(r.out()).contains(" " + id);
    }
    assertThat(r.out()).containsPattern("PASS +key\\.age").containsPattern("SKIP +vault\\.files");
  }

  @Test
  void anOldCurrentVersionWarnsNearThePolicyAndFailsPastItWithARotateFixNamingTheStore() throws Exception {
    store(daysAgo(80)).write("mail", credential(currentKey), sealer(), false);
    Result due = doctor("mail", "--store", STORE);
    assertThat(due.exitCode()).as(due.toString()).isZero();
    JsonNode warn = byCheck(due).get("key.age");
    assertThat(warn.get("status").asText()).isEqualTo("WARN");
    assertThat(warn.get("reason").asText()).contains("80 days old (policy 90 days)").contains("due within");
    assertThat(warn.get("fix").asText()).contains("sesame rotate mail --store " + STORE + " --if-older-than 90d");

    store(daysAgo(100)).write("mail", credential(currentKey), sealer(), false);
    Result old = doctor("mail", "--store", STORE);
    assertThat(old.exitCode()).as(old.toString()).isEqualTo(1);
    JsonNode fail = byCheck(old).get("key.age");
    assertThat(fail.get("status").asText()).isEqualTo("FAIL");
    assertThat(fail.get("reason").asText()).contains("100 days old (policy 90 days)");
    assertThat(fail.get("fix").asText()).isEqualTo("sesame rotate mail --store " + STORE);
  }

  @Test
  void aStalledRotationInTheTagsAndAPreviousKeyPastItsGraceWarnAsForAVault() throws Exception {
    SecretsManagerStore store = store(Clock.systemUTC());
    IamState.Key oldKey = standIn.iam().createAccessKey(USER);
    store.write("mail", credential(oldKey), sealer(), false);
    store.write("mail", credential(currentKey), sealer(), false);
    standIn.iam().deleteAccessKey(USER, oldKey.accessKeyId());
    IamState.Key pendingKey = standIn.iam().createAccessKey(USER);
    String token = java.util.UUID.randomUUID().toString();
    String finished = Instant.now().minus(Duration.ofDays(2)).toString();
    // The tags `sesame rotate --store` leaves after a stop between create and test, and the
    // retirement it recorded at the previous finish (SecretsManagerEntryStore's keys, sesame:-prefixed).
    store.updateTags("mail", Map.of("sesame:rotation.step", "created", "sesame:rotation.token", token,
        "sesame:rotation.started_at", Instant.now().minus(Duration.ofHours(3)).toString(),
        "sesame:retire.key_id", oldKey.accessKeyId(), "sesame:retire.finished_at", finished), List.of());
    store.writePending("mail", credential(pendingKey), token);

    Result r = doctor("mail", "--store", STORE);

    List<JsonNode> pending = all(r, "rotation.pending");
    assertThat(pending).extracting(p -> p.get("status").asText()).containsExactly("WARN", "WARN");
    assertThat(pending.get(0).get("reason").asText()).contains("a rotation stopped after step created");
    assertThat(pending.get(0).get("fix").asText())
        .isEqualTo("resume it with sesame rotate mail --store " + STORE + ", or clean up with sesame rotate mail --store "
            + STORE + " --abort");
    assertThat(pending.get(1).get("reason").asText()).contains(oldKey.accessKeyId()).contains("past its grace period");
    assertThat(status(byCheck(r), "iam.keys")).as("the pending version's key is held by the store").isEqualTo("PASS");
    assertThat(byCheck(r).get("iam.keys").get("reason").asText()).contains("2 active keys");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void aPendingVersionWithoutARotationRecordWarns() throws Exception {
    SecretsManagerStore store = store(Clock.systemUTC());
    store.write("mail", credential(currentKey), sealer(), false);
    store.write("mail", credential(currentKey), sealer(), true);

    JsonNode pending = byCheck(doctor("mail", "--store", STORE)).get("rotation.pending");

    assertThat(pending.get("status").asText()).isEqualTo("WARN");
    assertThat(pending.get("reason").asText()).contains("a pending version exists but no rotation is recorded");
  }

  @Test
  void aHostRoleWithoutDescribeSecretStillGetsItsIamAndKeyAgeChecksAndOnlyRotationPendingSkips() throws Exception {
    store(daysAgo(100)).write("mail", credential(currentKey), sealer(), false);
    standIn.faults().deny("DescribeSecret", 10);

    Result r = doctor("mail", "--store", STORE);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    Map<String, JsonNode> f = byCheck(r);
    assertThat(status(f, "key.age")).isEqualTo("FAIL");
    assertThat(status(f, "rotation.pending")).isEqualTo("SKIP");
    assertThat(f.get("rotation.pending").get("reason").asText()).contains("DescribeSecret was refused");
    assertThat(f.get("rotation.pending").get("fix").asText()).contains("secretsmanager:DescribeSecret");
    assertThat(status(f, "iam.keys")).isEqualTo("PASS");
  }

  @Test
  void aMissingStoreEntrySkipsEveryEntryCheckWithTheReasonAndExitsZero() throws Exception {
    Result r = doctor("absent", "--store", STORE);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    Map<String, JsonNode> f = byCheck(r);
    for (String id : List.of("key.age", "rotation.pending", "iam.keys", "iam.policy", "smtp.starttls")) {
      assertThat(status(f, id)).as(id).isEqualTo("SKIP");
      assertThat(f.get(id).get("reason").asText()).as(id)
          .contains("cannot read entry absent from store " + STORE).contains("no entry absent");
    }
  }

  @Test
  void aDeniedDecryptSkipsTheEntryChecksWithTheOneLineReasonAndNeverPrintsASecret() throws Exception {
    store(Clock.systemUTC()).write("mail", credential(currentKey), sealer(), false);
    standIn.kms().denyDecrypt(kmsKey, true);

    Result json = doctor("mail", "--store", STORE);
    Result table = sesame.run("doctor", "mail", "--store", STORE);

    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(table.exitCode()).as(table.toString()).isZero();
    Map<String, JsonNode> f = byCheck(json);
    for (String id : List.of("key.age", "rotation.pending", "iam.keys", "iam.policy", "smtp.starttls")) {
      assertThat(status(f, id)).as(id).isEqualTo("SKIP");
      assertThat(f.get(id).get("reason").asText()).as(id).contains("cannot read entry mail from store " + STORE)
          .contains("wrong key").doesNotContain("\n");
    }
    assertThat(f.keySet()).isEqualTo(Doctor.repertoire().keySet());
    assertThat(table.out()).contains("SKIP").contains("cannot read entry mail from store");
  }

  @Test
  void theDoctorNeverPrintsTheSmtpPasswordOrTheSecretKey() throws Exception {
    Credential credential = credential(currentKey);
    store(daysAgo(100)).write("mail", credential, sealer(), false);
    IamState.Key stray = standIn.iam().createAccessKey(USER);

    List<Result> runs = List.of(doctor("mail", "--store", STORE), sesame.run("doctor", "mail", "--store", STORE),
        sesame.run("doctor", "mail", "--store", STORE, "--key-file", dir.resolve("missing.key").toString()));

    for (Result r : runs) {
      for (String secret : List.of(currentKey.secret(), credential.field(Credential.SMTP_PASSWORD).get(),
          stray.secret())) {
        assertThat(r.out()).as(r.toString()).doesNotContain(secret);
        assertThat(r.err()).as(r.toString()).doesNotContain(secret);
      }
    }
    assertThat(runs.get(0).out()).contains(stray.accessKeyId()).contains("\"FAIL\"");
  }

  private Result doctor(String... args) {
    List<String> argv = new ArrayList<>(List.of("doctor"));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--output", "json"));
    return sesame.run(argv.toArray(String[]::new));
  }

  private SecretsManagerStore store(Clock clock) {
    return SecretsManagerStore.at(STORE, operator, clock, dev.sesame.aws.StoreProtection.sealed(sealer()));
  }

  private List<KeySource> sealer() {
    return List.of(KmsKeySource.create(operator, "alias/sesame-store"));
  }

  private List<KeySource> openers() {
    return List.of(KmsKeySource.forSlots(region -> operator.kms(),
        dev.sesame.aws.TrustedKeys.of(standIn.kms().keyArns())));
  }

  private static Clock daysAgo(long days) {
    return Clock.fixed(Instant.now().minus(Duration.ofDays(days)), ZoneOffset.UTC);
  }

  /** An SES credential for KEY whose SMTP endpoint is the SES-like server of this test. */
  private Credential credential(IamState.Key key) {
    return Credential.of(EntryType.SES, Map.of(
        Credential.REGION, StandInAws.REGION, Credential.IAM_USER, USER, Credential.ACCESS_KEY_ID, key.accessKeyId(),
        Credential.SECRET_ACCESS_KEY, key.secret(), Credential.SMTP_USERNAME, key.accessKeyId(),
        Credential.SMTP_PASSWORD, "smtp+pass/" + key.accessKeyId().substring(4),
        Credential.SMTP_HOST, SesStandIn.ADDRESS, Credential.SMTP_PORT, Integer.toString(smtp.port())));
  }

  /** The worst finding of each check (findings of one check come in severity-independent order). */
  private static Map<String, JsonNode> byCheck(Result r) throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode f : new ObjectMapper().readTree(r.out()).get("findings")) {
      out.putIfAbsent(f.get("check").asText(), f);
      if (rank(f) > rank(out.get(f.get("check").asText()))) {
        out.put(f.get("check").asText(), f);
      }
    }
    return out;
  }

  private static List<JsonNode> all(Result r, String check) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode f : new ObjectMapper().readTree(r.out()).get("findings")) {
      if (f.get("check").asText().equals(check)) {
        out.add(f);
      }
    }
    return out;
  }

  private static int rank(JsonNode finding) {
    return List.of("SKIP", "PASS", "WARN", "FAIL").indexOf(finding.get("status").asText());
  }

  private static String status(Map<String, JsonNode> findings, String check) {
    return findings.get(check).get("status").asText();
  }
}
