package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.aws.AwsException;
import dev.sesame.ses.SesCredentials;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.testing.aws.IamState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS misconfiguration reported as users meet it: the cause and the fix in one line, the same
 * words in the doctor's SKIP findings, and never an SDK class name. Each run (in process)
 * reaches the AWS stand-in through AWS_ENDPOINT_URL.
 */
class AwsErrorsCliTest {
  private static final String USER = "ses-smtp";

  @TempDir
  Path dir;
  private StandInAws aws;
  private AwsStandIn standIn;
  private Path vault;
  private Path key;

  @BeforeEach
  void vaultAndStandIn() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    standIn.iam().createUser(USER);
    IamState.Key current = standIn.iam().createAccessKey(USER);
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    Fixtures.createVault(vault, Fixtures.keyFile(key), 5);
    Fixtures.put(vault, Fixtures.keyFile(key), "prod", SesCredentials.fromAccessKey(StandInAws.REGION, USER,
        current.accessKeyId(), current.secret(), 587));
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void noCredentialsNamesTheWaysToGiveThem() throws Exception {
    SesameCli.Result status = sesame(false, true).run(statusArgs());
    assertAwsError(status, "iam:ListAccessKeys failed: no AWS credentials found; " + AwsException.FIX_NO_CREDENTIALS);
  }

  @Test
  void anExpiredSessionTokenSaysToRefreshIt() throws Exception {
    standIn.faults().expire("ListAccessKeys", 10);
    SesameCli.Result status = sesame(true, true).run(statusArgs());
    assertAwsError(status, "(ExpiredToken)");
    assertThat(status.err()).contains(AwsException.FIX_EXPIRED);
  }

  @Test
  void anUnreachableEndpointSaysWhyAndWhatToCheck() throws Exception {
    SesameCli.Result status = sesame(true, true).env("AWS_ENDPOINT_URL", "http://127.0.0.1:1").run(statusArgs());
    assertAwsError(status, "iam:ListAccessKeys failed: unreachable: the endpoint refused the connection; "
        + AwsException.FIX_UNREACHABLE);
  }

  @Test
  void accessDeniedNamesTheActionAndThePolicyCommand() throws Exception {
    standIn.faults().deny("ListAccessKeys", 10);
    SesameCli.Result status = sesame(true, true).run(statusArgs());
    assertAwsError(status, "allow iam:ListAccessKeys to this AWS identity ('sesame policy' prints the least-privilege"
        + " policy)");
  }

  @Test
  void theDoctorSkipsWithTheSameWordsForMissingCredentialsAndRegion() throws Exception {
    SesameCli.Result noCredentials = sesame(false, true).run("doctor", "prod", "--vault", vault.toString(),
        "--key-file", key.toString(), "--output", "json");
    JsonNode keys = finding(noCredentials, "iam.keys");
    assertThat(keys.get("status").asText()).isEqualTo("SKIP");
    assertThat(keys.get("reason").asText()).isEqualTo("iam:ListAccessKeys failed: no AWS credentials found");
    assertThat(keys.get("fix").asText()).isEqualTo(AwsException.FIX_NO_CREDENTIALS);

    SesameCli.Result noRegion = sesame(true, false).run("doctor", "--domain", "example.test", "--output", "json");
    JsonNode account = finding(noRegion, "ses.account");
    assertThat(account.get("status").asText()).isEqualTo("SKIP");
    assertThat(account.get("reason").asText()).isEqualTo("ses:GetAccount failed: no AWS Region set");
    assertThat(account.get("fix").asText()).isEqualTo(AwsException.FIX_NO_REGION);
    assertThat(noCredentials.out() + noRegion.out()).doesNotContain("software.amazon").doesNotContain("Provider")
        .doesNotContain("Exception");
  }

  private String[] statusArgs() {
    return new String[] {"status", "prod", "--vault", vault.toString(), "--key-file", key.toString()};
  }

  private SesameCli sesame(boolean credentials, boolean region) throws Exception {
    SesameCli sesame = SesameCli.withTmpDir(Files.createDirectories(dir.resolve("tmp")))
        .env("HOME", dir.toString())
        .env("AWS_ENDPOINT_URL", standIn.endpoint().toString())
        .env("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString())
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", region ? StandInAws.REGION : "")
        .env("AWS_DEFAULT_REGION", "")
        .env("AWS_PROFILE", "")
        .env("AWS_ACCESS_KEY_ID", credentials ? StandInAws.ACCESS_KEY_ID : "")
        .env("AWS_SECRET_ACCESS_KEY", credentials ? StandInAws.SECRET_ACCESS_KEY : "")
        .env("AWS_SESSION_TOKEN", "");
    return sesame;
  }

  private static void assertAwsError(SesameCli.Result result, String expected) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(7);
    assertThat(result.errLines()).as(result.toString()).hasSize(1);
    assertThat(result.err()).startsWith("sesame: ").contains(expected).doesNotContain("software.amazon")
        .doesNotContain("Provider").doesNotContain("Exception").doesNotContain("@");
  }

  private static JsonNode finding(SesameCli.Result result, String check) throws Exception {
    for (JsonNode finding : new ObjectMapper().readTree(result.out()).get("findings")) {
      if (finding.get("check").asText().equals(check)) {
        return finding;
      }
    }
    throw new AssertionError("no finding " + check + " in " + result);
  }
}
