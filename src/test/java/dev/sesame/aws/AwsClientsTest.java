package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.ChildJava;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.StandInAws;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.endpoints.IamEndpointProvider;

/**
 * How clients find their endpoint, region and credentials: all through the SDK's own chains,
 * which these tests exercise the way a user configures them.
 */
class AwsClientsTest {
  private static final String USER = "ses-smtp";

  private StandInAws aws;
  private AwsStandIn standIn;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    standIn.iam().createUser(USER);
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void theServiceSpecificEndpointPropertyWinsOverTheGeneralOne() throws Exception {
    aws.setProperty("aws.endpointUrl", deadEndpoint());
    aws.setProperty("aws.endpointUrlIam", standIn.endpoint().toString());

    assertThat(AccessKeys.using(aws.clients()).list(USER)).isEmpty();
    assertThat(standIn.calls("ListAccessKeys")).isEqualTo(1);
  }

  @Test
  void theGeneralEndpointEnvironmentVariableReachesEveryService() throws Exception {
    aws.setProperty("aws.endpointUrl", null);

    ProbeResult probe = probe(Map.of("AWS_ENDPOINT_URL", standIn.endpoint().toString()));

    assertThat(probe.output()).contains("keys=0 caller=arn:aws:iam::123456789012:user/sesame-operator");
    assertThat(probe.exitCode()).isZero();
  }

  @Test
  void serviceSpecificEndpointEnvironmentVariablesWinOverTheGeneralOne() throws Exception {
    aws.setProperty("aws.endpointUrl", null);

    ProbeResult probe =
        probe(
            Map.of(
                "AWS_ENDPOINT_URL", deadEndpoint(),
                "AWS_ENDPOINT_URL_IAM", standIn.endpoint().toString(),
                "AWS_ENDPOINT_URL_STS", standIn.endpoint().toString()));

    assertThat(probe.output()).contains("keys=0 caller=");
    assertThat(standIn.calls("ListAccessKeys")).isEqualTo(1);
    assertThat(standIn.calls("GetCallerIdentity")).isEqualTo(1);
  }

  @Test
  void anExplicitRegionOverridesTheRegionChain() throws Exception {
    AwsClients clients = aws.clients(AwsSettings.of(null, "us-west-2"), StandInAws.FAST_RETRIES);

    CallerIdentity.lookUp(clients);

    assertThat(standIn.calls()).singleElement().satisfies(c -> assertThat(c.region()).isEqualTo("us-west-2"));
  }

  @Test
  void aNamedProfileSuppliesCredentialsAndRegionAheadOfTheEnvironment(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("config");
    Path credentials = dir.resolve("credentials");
    Files.writeString(config, "[profile mail-admin]\nregion = ap-southeast-2\n");
    Files.writeString(
        credentials,
        "[mail-admin]\naws_access_key_id = AKIAPROFILEKEY000001\n"
            + "aws_secret_access_key = profile/secret+000000000000000000000000\n");
    aws.setProperty("aws.configFile", config.toString());
    aws.setProperty("aws.sharedCredentialsFile", credentials.toString());
    aws.setProperty("aws.region", null);
    standIn.requireAccessKeyId("AKIAPROFILEKEY000001");

    AwsClients clients = aws.clients(AwsSettings.of("mail-admin", null), StandInAws.FAST_RETRIES);
    CallerIdentity.lookUp(clients);

    assertThat(standIn.calls())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.accessKeyId()).isEqualTo("AKIAPROFILEKEY000001");
              assertThat(c.region()).isEqualTo("ap-southeast-2");
            });
  }

  @Test
  void iamUsesThePartitionsGlobalRegion() {
    assertThat(AwsClients.globalRegionFor(Region.EU_WEST_1)).isEqualTo(Region.AWS_GLOBAL);
    assertThat(AwsClients.globalRegionFor(Region.US_EAST_1)).isEqualTo(Region.AWS_GLOBAL);
    assertThat(AwsClients.globalRegionFor(Region.CN_NORTH_1)).isEqualTo(Region.AWS_CN_GLOBAL);
    assertThat(AwsClients.globalRegionFor(Region.US_GOV_WEST_1)).isEqualTo(Region.AWS_US_GOV_GLOBAL);
    assertThat(AwsClients.globalRegionFor(Region.AWS_GLOBAL)).isEqualTo(Region.AWS_GLOBAL);
  }

  @Test
  void withoutAnOverrideTheGlobalRegionResolvesToTheIamEndpointSignedForUsEast1() throws Exception {
    Endpoint endpoint =
        IamEndpointProvider.defaultProvider()
            .resolveEndpoint(p -> p.region(Region.AWS_GLOBAL))
            .get();

    assertThat(endpoint.url()).isEqualTo(URI.create("https://iam.amazonaws.com"));
    assertThat(endpoint.attribute(AwsEndpointAttribute.AUTH_SCHEMES))
        .singleElement()
        .isInstanceOfSatisfying(
            SigV4AuthScheme.class, sigV4 -> assertThat(sigV4.signingRegion()).isEqualTo("us-east-1"));
  }

  @Test
  void noClientIsBuiltUntilOneIsAskedFor() throws Exception {
    AwsClients clients = aws.clients();
    clients.close();
    // Closing unused clients touches no SDK client, and nothing reached the network.
    assertThat(standIn.calls()).isEmpty();
  }

  private record ProbeResult(int exitCode, String output) {}

  /** Runs {@link EndpointProbe} in a child JVM with the stand-in's credentials in its environment. */
  private ProbeResult probe(Map<String, String> endpointEnvironment) throws Exception {
    ProcessBuilder child =
        new ProcessBuilder(
            ChildJava.command(EndpointProbe.class.getName()));
    child.command().add(USER);
    Map<String, String> env = child.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_"));
    env.put("AWS_ACCESS_KEY_ID", StandInAws.ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", StandInAws.SECRET_ACCESS_KEY);
    env.put("AWS_REGION", StandInAws.REGION);
    env.put("AWS_CONFIG_FILE", new File("/nonexistent/aws-config").getPath());
    env.put("AWS_SHARED_CREDENTIALS_FILE", new File("/nonexistent/aws-credentials").getPath());
    env.putAll(endpointEnvironment);
    child.redirectErrorStream(true);
    Process process = child.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new ProbeResult(process.exitValue(), output);
  }

  /** A local URL nothing listens on: a call that reaches it fails at once. */
  private static String deadEndpoint() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }
}
