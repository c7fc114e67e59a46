package dev.sesame.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * What the user chose on the command line for reaching AWS: a named profile and a region, each
 * optional. Anything left empty comes from the SDK's own default chains (environment, system
 * properties, shared config and credentials files, container or instance role), exactly as for
 * the AWS CLI.
 *
 * <p>Endpoints are deliberately not a setting here: {@code AWS_ENDPOINT_URL},
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, the {@code aws.endpointUrl*} system properties and a
 * profile's {@code endpoint_url} are read by the SDK itself.
 */
public record AwsSettings(Optional<String> profile, Optional<String> region) {

  public AwsSettings {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(region, "region");
    profile = profile.filter(p -> !p.isBlank());
    region = region.filter(r -> !r.isBlank());
  }

  /** Everything from the SDK's default chains. */
  public static AwsSettings defaults() {
    return new AwsSettings(Optional.empty(), Optional.empty());
  }

  /** From nullable option values, as picocli hands them over. */
  public static AwsSettings of(String profile, String region) {
    return new AwsSettings(Optional.ofNullable(profile), Optional.ofNullable(region));
  }
}
