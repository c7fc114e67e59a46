package dev.sesame.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The AWS SDK clients one Sesame command needs, each built on first use so that commands which
 * never talk to AWS (above all {@code get}) never load the SDK.
 *
 * <p>Every client uses the URL-connection HTTP client, the SDK's default credential chain (or
 * the named profile's credentials) and region chain (narrowed by {@link AwsSettings}), and the SDK's standard retry strategy bounded
 * by a {@link CallPolicy}. Endpoint overrides are left to the SDK, which reads
 * {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_IAM} (and the other service-specific
 * variables), the matching {@code aws.endpointUrl*} system properties and a profile's
 * {@code endpoint_url} itself (AWS SDKs and Tools Reference Guide: "Service-specific endpoints").
 *
 * <p>Thread-safe. {@link #close()} closes every client built so far.
 */
public final class AwsClients implements AutoCloseable {
  // IAM has no regional endpoints, one global endpoint per partition: its clients take the
  // partition's global pseudo-region (AWS SDK for Java 2.x Developer Guide: "Region changes").
  private static final Map<String, Region> GLOBAL_REGION_BY_PARTITION =
      Map.of(
          "aws", Region.AWS_GLOBAL,
          "aws-cn", Region.AWS_CN_GLOBAL,
          "aws-us-gov", Region.AWS_US_GOV_GLOBAL,
          "aws-iso", Region.AWS_ISO_GLOBAL,
          "aws-iso-b", Region.AWS_ISO_B_GLOBAL);

  private final AwsSettings settings;
  private final CallPolicy policy;
  private final List<SdkAutoCloseable> built = new ArrayList<>();
  private AwsCredentialsProvider credentials;
  private IamClient iam;
  private StsClient sts;
  private SesV2Client sesV2;
  private SecretsManagerClient secretsManager;
  private KmsClient kms;
  private boolean closed;

  private AwsClients(AwsSettings settings, CallPolicy policy) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Clients for real AWS with the {@link CallPolicy#STANDARD standard} retry bounds. */
  public static AwsClients create(AwsSettings settings) {
    return create(settings, CallPolicy.STANDARD);
  }

  /** Clients with explicit retry and timeout bounds (tests use short backoffs). */
  public static AwsClients create(AwsSettings settings, CallPolicy policy) {
    return new AwsClients(settings, policy);
  }

  public AwsSettings settings() {
    return settings;
  }

  /** IAM, signed for the global endpoint of the partition the configured region belongs to. */
  public synchronized IamClient iam() {
    if (iam == null) {
      iam = keep(configure(IamClient.builder()).region(iamRegion()).build());
    }
    return iam;
  }

  public synchronized StsClient sts() {
    if (sts == null) {
      sts = keep(withRegion(configure(StsClient.builder())).build());
    }
    return sts;
  }

  public synchronized SesV2Client sesV2() {
    if (sesV2 == null) {
      sesV2 = keep(withRegion(configure(SesV2Client.builder())).build());
    }
    return sesV2;
  }

  public synchronized SecretsManagerClient secretsManager() {
    if (secretsManager == null) {
      secretsManager = keep(withRegion(configure(SecretsManagerClient.builder())).build());
    }
    return secretsManager;
  }

  public synchronized KmsClient kms() {
    if (kms == null) {
      kms = keep(withRegion(configure(KmsClient.builder())).build());
    }
    return kms;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (SdkAutoCloseable client : built) {
      client.close();
    }
    built.clear();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
    if (closed) {
      throw new IllegalStateException("AwsClients is closed");
    }
    RetryStrategy retries =
        AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder()
            .maxAttempts(policy.maxAttempts())
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(policy.backoffBase(), policy.backoffCap()))
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(policy.throttlingBackoffBase(), policy.backoffCap()))
            .build();
    builder
        .credentialsProvider(credentials())
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(policy.attemptTimeout())
                .socketTimeout(policy.attemptTimeout()))
        .overrideConfiguration(
            o -> {
              settings.profile().ifPresent(o::defaultProfileName);
              o.retryStrategy(retries)
                  .apiCallAttemptTimeout(policy.attemptTimeout())
                  .apiCallTimeout(policy.callTimeout());
            });
    return builder;
  }

  /** An explicit region wins; otherwise the client's own region chain decides. */
  private <B extends AwsClientBuilder<B, ?>> B withRegion(B builder) {
    settings.region().map(Region::of).ifPresent(builder::region);
    return builder;
  }

  private Region iamRegion() {
    Region configured;
    if (settings.region().isPresent()) {
      configured = Region.of(settings.region().get());
    } else {
      try {
        DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
        settings.profile().ifPresent(chain::profileName);
        configured = chain.build().getRegion();
      } catch (SdkClientException noRegion) {
        // IAM needs no region of its own: without one, use the commercial partition.
        return Region.AWS_GLOBAL;
      }
    }
    return globalRegionFor(configured);
  }

  /** The global pseudo-region IAM uses in {@code region}'s partition. */
  static Region globalRegionFor(Region region) {
    if (region.isGlobalRegion()) {
      return region;
    }
    Region global = GLOBAL_REGION_BY_PARTITION.get(PartitionMetadata.of(region).id());
    return global == null ? region : global;
  }

  /**
   * A named profile is a command-line choice and beats credentials in the environment, in the
   * order the AWS CLI uses (command-line options before environment variables); without one, the SDK's default chain decides (system properties, environment,
   * web identity, AWS_PROFILE or default profile, container, instance role).
   */
  private AwsCredentialsProvider credentials() {
    if (credentials == null) {
      credentials =
          settings.profile().isPresent()
              ? ProfileCredentialsProvider.builder().profileName(settings.profile().get()).build()
              : DefaultCredentialsProvider.builder().build();
    }
    return credentials;
  }

  private <C extends SdkAutoCloseable> C keep(C client) {
    built.add(client);
    return client;
  }
}
