package dev.sesame.cli;

import dev.sesame.aws.AwsSettings;
import picocli.CommandLine.Option;

/**
 * Where AWS calls go. Credentials, region and endpoints otherwise come from the SDK's own chains
 * (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL[_IAM], ~/.aws/config, the EC2 instance role).
 */
final class AwsOptions {
  @Option(names = "--profile", paramLabel = "PROFILE", description = "AWS profile (default: the SDK's chain).")
  String profile;

  @Option(names = "--region", paramLabel = "REGION",
      description = "AWS region for API calls (default: the SDK's chain; IAM is global anyway).")
  String region;

  AwsSettings settings() {
    return AwsSettings.of(profile, region);
  }
}
