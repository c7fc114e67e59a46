package dev.sesame.testing.cli;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * AWS_* variables as the AWS SDK's system properties, which it reads before the environment
 * (AWS SDKs and Tools Reference Guide, "Settings reference": each setting's "JVM system property"),
 * set for one in-process run and restored afterwards.
 */
final class AwsSystemProperties implements AutoCloseable {
  private static final Map<String, String> PROPERTY_BY_VARIABLE = Map.ofEntries(
      Map.entry("AWS_ACCESS_KEY_ID", "aws.accessKeyId"),
      Map.entry("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey"),
      Map.entry("AWS_SESSION_TOKEN", "aws.sessionToken"),
      Map.entry("AWS_REGION", "aws.region"),
      Map.entry("AWS_PROFILE", "aws.profile"),
      Map.entry("AWS_CONFIG_FILE", "aws.configFile"),
      Map.entry("AWS_SHARED_CREDENTIALS_FILE", "aws.sharedCredentialsFile"),
      Map.entry("AWS_MAX_ATTEMPTS", "aws.maxAttempts"),
      Map.entry("AWS_RETRY_MODE", "aws.retryMode"),
      Map.entry("AWS_EC2_METADATA_DISABLED", "aws.disableEc2Metadata"),
      Map.entry("AWS_ENDPOINT_URL", "aws.endpointUrl"));
  private static final String SERVICE_ENDPOINT = "AWS_ENDPOINT_URL_";
  /** The AWS CLI's name, which SDK for Java 2.x does not read: nothing to set. */
  private static final String UNREAD_BY_SDK = "AWS_DEFAULT_REGION";

  private final Map<String, String> previous = new HashMap<>();

  private AwsSystemProperties() {}

  /** Sets the properties for ENV's AWS_* variables; one the SDK has no property for is refused. */
  static AwsSystemProperties set(Map<String, String> env) {
    AwsSystemProperties set = new AwsSystemProperties();
    env.forEach((variable, value) -> {
      if (variable.startsWith("AWS_") && !variable.equals(UNREAD_BY_SDK)) {
        set.put(property(variable), value);
      }
    });
    return set;
  }

  private static String property(String variable) {
    String property = PROPERTY_BY_VARIABLE.get(variable);
    if (property != null) {
      return property;
    }
    if (variable.startsWith(SERVICE_ENDPOINT)) {
      // AWS_ENDPOINT_URL_SECRETS_MANAGER -> aws.endpointUrlSecretsManager
      StringBuilder name = new StringBuilder("aws.endpointUrl");
      for (String word : variable.substring(SERVICE_ENDPOINT.length()).split("_")) {
        name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
      }
      return name.toString();
    }
    throw new IllegalArgumentException(variable + " has no AWS SDK system property: run this test in a child JVM");
  }

  private void put(String property, String value) {
    previous.put(property, System.getProperty(property));
    System.setProperty(property, value);
  }

  @Override
  public void close() {
    previous.forEach((property, old) -> {
      if (old == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, old);
      }
    });
  }
}
