package dev.sesame.testing.aws;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.CallPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A started {@link AwsStandIn} plus the JVM-wide settings that point the SDK at it, the way a
 * user would: {@code aws.endpointUrl}, {@code aws.region} and static credentials in
 * {@code aws.accessKeyId} / {@code aws.secretAccessKey}, all read by the SDK's own chains.
 * {@link #close()} restores every system property it changed. Not for parallel test classes.
 */
public final class StandInAws implements AutoCloseable {
  /** The operator credentials the tests sign with; the stand-in refuses any other key. */
  public static final String ACCESS_KEY_ID = "AKIASTANDINOPERATOR1";

  public static final String SECRET_ACCESS_KEY = "stand/in+operator+secret+0000000000000000";
  public static final String REGION = "eu-west-1";

  /** Short backoffs so that retry tests do not wait; timeouts generous for slow CI machines. */
  public static final CallPolicy FAST_RETRIES =
      new CallPolicy(
          3,
          Duration.ofMillis(1),
          Duration.ofMillis(5),
          Duration.ofMillis(20),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30));

  private final AwsStandIn standIn;
  private final Map<String, String> saved = new LinkedHashMap<>();
  private final List<AwsClients> opened = new ArrayList<>();

  private StandInAws(AwsStandIn standIn) {
    this.standIn = standIn;
  }

  public static StandInAws start() throws IOException {
    StandInAws aws = new StandInAws(AwsStandIn.start());
    aws.standIn.requireAccessKeyId(ACCESS_KEY_ID);
    aws.setProperty("aws.endpointUrl", aws.standIn.endpoint().toString());
    aws.setProperty("aws.region", REGION);
    aws.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
    aws.setProperty("aws.secretAccessKey", SECRET_ACCESS_KEY);
    return aws;
  }

  public AwsStandIn standIn() {
    return standIn;
  }

  /** Clients from the default chains with {@link #FAST_RETRIES}; closed with this object. */
  public AwsClients clients() {
    return clients(AwsSettings.defaults(), FAST_RETRIES);
  }

  public AwsClients clients(AwsSettings settings, CallPolicy policy) {
    AwsClients clients = AwsClients.create(settings, policy);
    opened.add(clients);
    return clients;
  }

  /** Sets a system property until {@link #close()}. */
  /**
   * The environment a user sets for the CLI (or any real AWS SDK) to reach these stand-ins: the
   * endpoint, the Region and the operator's key; no profile files (their names point into DIR,
   * where none exist) and no instance metadata.
   */
  public java.util.Map<String, String> cliEnvironment(java.nio.file.Path dir) {
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL", standIn().endpoint().toString());
    env.put("AWS_REGION", REGION);
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  public void setProperty(String name, String value) {
    if (!saved.containsKey(name)) {
      saved.put(name, System.getProperty(name));
    }
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  @Override
  public void close() {
    opened.forEach(AwsClients::close);
    saved.forEach(
        (name, old) -> {
          if (old == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, old);
          }
        });
    standIn.close();
  }
}
