package dev.sesame.testing.aws;

/**
 * One AWS service of the stand-in, speaking that service's wire protocol. The stand-in routes a
 * request to the handler whose {@link #signingName()} matches the service in the request's SigV4
 * credential scope, the way real AWS routes by host name.
 */
public interface ServiceHandler {
  /** The SigV4 signing name: {@code iam}, {@code sts}, {@code secretsmanager}, {@code kms}, {@code ses}. */
  String signingName();

  /** The operation name a request asks for (for call counting and the fault plan). */
  String action(StandInRequest request);

  /** Serves one request; throws {@link AwsError} for an AWS error answer. */
  StandInResponse handle(StandInRequest request, String requestId);

  /** Renders an error in this service's protocol. */
  StandInResponse render(AwsError error, String requestId);

  /** The error this service sends when it throttles a caller. */
  default AwsError throttling() {
    return new AwsError(400, "Throttling", "Rate exceeded");
  }

  /** The error this service sends when IAM policy does not allow the call. */
  default AwsError accessDenied(String action) {
    return new AwsError(403, "AccessDenied", "User is not authorized to perform: " + action);
  }

  /** The error this service sends when it fails internally. */
  default AwsError internalFailure() {
    return new AwsError(500, "InternalFailure", "An internal error occurred.", false);
  }
}
