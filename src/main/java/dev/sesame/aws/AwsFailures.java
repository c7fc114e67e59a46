package dev.sesame.aws;

import dev.sesame.aws.AwsException.Kind;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns whatever an SDK call threw into one classified {@link AwsException}: every AWS call goes through here. */
final class AwsFailures {
  // Throttling codes across the Query and JSON protocols (AWS SDKs and Tools Reference Guide:
  // "Retry behavior"); HTTP 429 means the same.
  private static final Set<String> THROTTLING =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottled",
          "RequestThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "SlowDown");
  // IAM says LimitExceeded (API reference: CreateAccessKey, Errors); JSON services add the suffix.
  private static final Set<String> LIMITS = Set.of("LimitExceeded", "LimitExceededException");
  private static final Set<String> NOT_FOUND =
      Set.of("NoSuchEntity", "NoSuchEntityException", "ResourceNotFoundException", "NotFoundException",
          "NotFound");
  private static final Set<String> DENIED =
      Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError");
  private static final Set<String> BAD_CREDENTIALS =
      Set.of(
          "InvalidClientTokenId",
          "UnrecognizedClientException",
          "SignatureDoesNotMatch",
          "IncompleteSignature",
          "MissingAuthenticationToken",
          "ExpiredToken",
          "ExpiredTokenException",
          "InvalidAccessKeyId");
  private static final Set<String> CONFLICTS =
      Set.of("EntityAlreadyExists", "DeleteConflict", "ResourceExistsException", "ConflictException",
          "ConcurrentModification", "ConcurrentModificationException");

  private AwsFailures() {}

  /** One SDK call, as a lambda that may throw whatever the SDK throws. */
  interface Call<T> {
    T run();
  }

  /** Runs CALL; a failure comes out as {@link #translate}'s classified {@link AwsException}. */
  static <T> T call(String operation, Call<T> call) throws AwsException {
    try {
      return call.run();
    } catch (SdkException failure) {
      throw translate(operation, failure);
    }
  }

  /**
   * Classifies a failure of {@code operation} ({@code service:Action}). The SDK has already
   * retried what its retry strategy considers transient; this only names the outcome.
   */
  static AwsException translate(String operation, SdkException failure) {
    if (failure instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null ? null : emptyToNull(details.errorCode());
      String awsMessage = details == null ? null : emptyToNull(details.errorMessage());
      int status = service.statusCode();
      return new AwsException(
          operation,
          classify(code, status),
          code,
          emptyToNull(service.requestId()),
          awsMessage == null ? "HTTP " + status : awsMessage,
          failure);
    }
    if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
      return new AwsException(operation, Kind.UNREACHABLE, null, null, "no answer in time", failure);
    }
    // The SDK's own messages name its provider chains and classes ("DefaultAwsRegionProviderChain@6b1274d2"):
    // they are replaced by the cause in the user's terms, and the original stays in --debug's stack trace.
    String message = String.valueOf(failure.getMessage());
    if (message.startsWith("Unable to load credentials")) {
      return new AwsException(operation, Kind.NOT_CONFIGURED, null, null, "no AWS credentials found",
          AwsException.FIX_NO_CREDENTIALS, failure);
    }
    if (message.startsWith("Unable to load region")) {
      return new AwsException(operation, Kind.NOT_CONFIGURED, null, null, "no AWS Region set",
          AwsException.FIX_NO_REGION, failure);
    }
    return new AwsException(operation, Kind.UNREACHABLE, null, null, unreachable(failure), failure);
  }

  /** Why no answer came, from the network failure under the SDK's wrapper, without class names. */
  private static String unreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.UnknownHostException) {
        return "cannot resolve the endpoint's host name";
      }
      if (cause instanceof java.net.ConnectException) {
        return "the endpoint refused the connection";
      }
      if (cause instanceof java.net.SocketTimeoutException) {
        return "no answer in time";
      }
      if (cause instanceof javax.net.ssl.SSLException) {
        return "the TLS handshake with the endpoint failed";
      }
    }
    return "cannot reach the endpoint";
  }

  static Kind classify(String code, int status) {
    if (code != null) {
      if (THROTTLING.contains(code)) {
        return Kind.THROTTLED;
      }
      if (LIMITS.contains(code)) {
        return Kind.LIMIT_EXCEEDED;
      }
      if (NOT_FOUND.contains(code)) {
        return Kind.NOT_FOUND;
      }
      if (DENIED.contains(code)) {
        return Kind.ACCESS_DENIED;
      }
      if (BAD_CREDENTIALS.contains(code)) {
        return Kind.CREDENTIALS_REJECTED;
      }
      if (CONFLICTS.contains(code)) {
        return Kind.CONFLICT;
      }
    }
    if (status == 429) {
      return Kind.THROTTLED;
    }
    if (status >= 500) {
      return Kind.SERVICE_ERROR;
    }
    if (status == 404) {
      return Kind.NOT_FOUND;
    }
    if (status == 403) {
      return Kind.ACCESS_DENIED;
    }
    return Kind.REJECTED;
  }

  private static String emptyToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
