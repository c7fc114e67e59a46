package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.aws.LeastPrivilegePolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.testing.aws.SesV2Handler;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.testing.dns.Dnsmasq;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.smtp.TestPki;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sesame doctor` and `sesame policy` as users run them: a child JVM, a real vault and key file,
 * the AWS stand-in through AWS_ENDPOINT_URL, a real dnsmasq, and an SES-like SMTP server named by
 * SESAME_SMTP_ENDPOINT with its CA in SESAME_SMTP_CA_FILE.
 */
@Tag("mail-stack")
class DoctorCliTest {
  private static final String USER = "ses-smtp-cli";
  private static final String KEY_ID = "AKIADOCTORCLI0000001";
  @TempDir
  static Path dir;
  private static StandInAws aws;
  private static Dnsmasq dns;
  private static SesStandIn smtp;
  private static TestPki pki;
  private static Path vault;
  private static Path keyFile;

  @BeforeAll
  static void world() throws Exception {
    aws = StandInAws.start();
    SesV2Handler ses = new SesV2Handler();
    aws.standIn().register(ses);
    ses.identity("good.test", new SesV2Handler.Identity(true, true, "SUCCESS", List.of("tok1", "tok2", "tok3"),
        "mail.good.test", "SUCCESS"));
    ses.identity("open.test", new SesV2Handler.Identity(true, true, "SUCCESS", List.of("tok1"), "mail.open.test",
        "SUCCESS"));
    aws.standIn().iam().createUser(USER);
    aws.standIn().iam().addAccessKey(USER, KEY_ID, "secret");
    aws.standIn().iam().policies().putInline(USER, "send",
        LeastPrivilegePolicy.forDomain("good.test", List.of("198.51.100.0/24")).json());
    dns = Dnsmasq.start(dir, List.of("local=/test/", "local=/amazonses.com/",
        "txt-record=amazonses.com,\"v=spf1 ip4:199.255.192.0/22 -all\"",
        "txt-record=good.test,\"v=spf1 include:amazonses.com -all\"",
        "txt-record=_dmarc.good.test,\"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\"",
        "host-record=tok1.dkim.amazonses.com,127.0.0.11",
        "host-record=tok2.dkim.amazonses.com,127.0.0.12",
        "host-record=tok3.dkim.amazonses.com,127.0.0.13",
        "cname=tok1._domainkey.good.test,tok1.dkim.amazonses.com",
        "cname=tok2._domainkey.good.test,tok2.dkim.amazonses.com",
        "cname=tok3._domainkey.good.test,tok3.dkim.amazonses.com",
        "txt-record=open.test,\"v=spf1 +all\""));
    pki = TestPki.create(dir, "cli");
    smtp = SesStandIn.builder(pki.issue("ip:" + SesStandIn.ADDRESS, "EC").serverContext(), (u, p) -> false).start();
    vault = dir.resolve("cli.vault");
    keyFile = dir.resolve("cli.key");
    List<KeySource> keys = List.of(KeyFileKeySource.createOrLoad(keyFile));
    Vault.create(vault, keys, 5);
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> v.put("mail", Credential.of(EntryType.SES, Map.of(
        Credential.REGION, StandInAws.REGION, Credential.IAM_USER, USER, Credential.ACCESS_KEY_ID, KEY_ID,
        Credential.SECRET_ACCESS_KEY, "secret", Credential.SMTP_USERNAME, KEY_ID, Credential.SMTP_PASSWORD, "pw",
        Credential.SMTP_HOST, "email-smtp.eu-west-1.amazonaws.com", Credential.SMTP_PORT, "587"))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (smtp != null) {
      smtp.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (aws != null) {
      aws.close();
    }
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result sesame(String... args) throws Exception {
    return sesame(true, args);
  }

  /** Runs the CLI; WITH_ENDPOINT sets SESAME_SMTP_ENDPOINT to the SES-like server. */
  private static Result sesame(boolean withEndpoint, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.sesame.cli.Main"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("SESAME_"));
    env.put("AWS_ENDPOINT_URL", aws.standIn().endpoint().toString());
    env.put("AWS_REGION", StandInAws.REGION);
    env.put("AWS_ACCESS_KEY_ID", StandInAws.ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", StandInAws.SECRET_ACCESS_KEY);
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    if (withEndpoint) {
      env.put("SESAME_SMTP_ENDPOINT", SesStandIn.ADDRESS + ":" + smtp.port());
    }
    env.put("SESAME_SMTP_CA_FILE", pki.caPem().toString());
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("sesame did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void aGoodPostureReportsEveryCheckInJsonAndExitsZero() throws Exception {
    Result r = sesame("doctor", "mail", "--vault", vault.toString(), "--key-file", keyFile.toString(),
        "--domain", "good.test", "--resolver", dns.hostPort(), "--from-domain", "good.test",
        "--source-ip", "198.51.100.0/24", "--output", "json");
    assertThat(r.stderr()).isEmpty();
    JsonNode findings = new ObjectMapper().readTree(r.stdout()).get("findings");
    Set<String> checks = new HashSet<>();
    for (JsonNode f : findings) {
      assertThat(f.fieldNames()).toIterable().containsExactly("check", "status", "subject", "reason", "fix");
      assertThat(f.get("status").asText()).as(f.toString()).isIn("PASS", "WARN");
      checks.add(f.get("check").asText());
    }
    assertThat(checks).isEqualTo(Doctor.repertoire().keySet());
    assertThat(r.stdout()).contains("\"check\":\"dns.dkim\",\"status\":\"PASS\",\"subject\":\"DKIM tok3._domainkey.good.test\"");
    assertThat(r.exit()).isZero();
  }

  @Test
  void aFailingPostureExitsOneWithATableThatSaysWhatToFix() throws Exception {
    Result r = sesame("doctor", "mail", "--vault", vault.toString(), "--key-file", keyFile.toString(),
        "--domain", "open.test", "--resolver", dns.hostPort());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stdout()).contains("FAIL  dns.spf").contains("fix: add include:amazonses.com")
        .contains("FAIL  dns.dmarc").containsPattern("[0-9]+ FAIL, [0-9]+ WARN, [0-9]+ PASS, [0-9]+ SKIP");
  }

  @Test
  void withNothingToGoOnEveryCheckSkipsAndTheExitIsZero() throws Exception {
    Result r = sesame(false, "doctor", "--no-aws", "--output", "json");
    assertThat(r.exit()).isZero();
    JsonNode findings = new ObjectMapper().readTree(r.stdout()).get("findings");
    assertThat(findings).allSatisfy(f -> assertThat(f.get("status").asText()).as(f.toString()).isEqualTo("SKIP"));
  }

  @Test
  void policyPrintsOnlySendRawEmailWithFromAndSourceIpConditions() throws Exception {
    Result r = sesame("policy", "--from-address", "billing@good.test", "--source-ip", "203.0.113.0/24",
        "--source-ip", "2001:db8::/32");
    assertThat(r.exit()).isZero();
    JsonNode statement = new ObjectMapper().readTree(r.stdout()).get("Statement").get(0);
    assertThat(statement.get("Action").asText()).isEqualTo("ses:SendRawEmail");
    assertThat(statement.get("Condition").get("StringEquals").get("ses:FromAddress").asText())
        .isEqualTo("billing@good.test");
    assertThat(statement.get("Condition").get("IpAddress").get("aws:SourceIp").toString())
        .isEqualTo("[\"203.0.113.0/24\",\"2001:db8::/32\"]");
    Result domain = sesame("policy", "--from-domain", "good.test");
    assertThat(new ObjectMapper().readTree(domain.stdout()).get("Statement").get(0).get("Condition")
        .get("StringLike").get("ses:FromAddress").asText()).isEqualTo("*@good.test");
    assertThat(domain.stdout()).doesNotContain("aws:SourceIp");
  }

  @Test
  void policyRefusesAPrivateSourceIpAndSaysWhyAndWhatToUseInstead() throws Exception {
    Result r = sesame("policy", "--from-domain", "good.test", "--source-ip", "10.20.0.0/16");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr().strip().lines()).hasSize(1);
    assertThat(r.stderr()).contains("private range 10.0.0.0/8").contains("only ever holds public addresses")
        .contains("--source-vpce");
  }

  @Test
  void policyForTheVpcEndpointUsesSourceVpceAndVpcSourceIp() throws Exception {
    Result r = sesame("policy", "--from-domain", "good.test", "--source-vpce", "vpce-0123456789abcdef0",
        "--source-vpc-ip", "10.20.0.0/16");
    assertThat(r.exit()).isZero();
    JsonNode condition = new ObjectMapper().readTree(r.stdout()).get("Statement").get(0).get("Condition");
    assertThat(condition.get("StringEquals").get("aws:SourceVpce").asText()).isEqualTo("vpce-0123456789abcdef0");
    assertThat(condition.get("IpAddress").get("aws:VpcSourceIp").asText()).isEqualTo("10.20.0.0/16");
    assertThat(r.stdout()).doesNotContain("aws:SourceIp");
  }

  @Test
  void policyPrintsTheFleetRolesWithTheGivenNames() throws Exception {
    Result r = sesame("policy", "--role", "rotation-function", "--store", "sm://team/mail", "--region", "eu-west-1",
        "--account", "111122223333", "--kms-key", "1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("arn:aws:secretsmanager:eu-west-1:111122223333:secret:team/mail/*")
        .contains("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .contains("log-group:/aws/lambda/sesame-rotation:*").doesNotContain("GenerateDataKey")
        .doesNotContain("CreateLogGroup");
    Result trust = sesame("policy", "--role", "retire-scheduler-trust", "--account", "111122223333");
    assertThat(trust.stdout()).contains("scheduler.amazonaws.com").contains("\"aws:SourceAccount\" : \"111122223333\"")
        .contains("schedule-group/default");
    Result unknown = sesame("policy", "--role", "admin");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("unknown --role");
  }

  @Test
  void policyRefusesANonAddressWithUsageExit() throws Exception {
    Result r = sesame("policy", "--from-address", "not-an-address");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr()).contains("not an email address");
  }
}
