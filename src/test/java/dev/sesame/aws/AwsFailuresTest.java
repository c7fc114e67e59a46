package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.aws.AwsException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsFailuresTest {
  @ParameterizedTest
  @CsvSource({
    "Throttling, 400, THROTTLED",
    "ThrottlingException, 400, THROTTLED",
    "RequestLimitExceeded, 503, THROTTLED",
    "SomethingNew, 429, THROTTLED",
    "LimitExceeded, 409, LIMIT_EXCEEDED",
    "LimitExceededException, 400, LIMIT_EXCEEDED",
    "NoSuchEntity, 404, NOT_FOUND",
    "ResourceNotFoundException, 400, NOT_FOUND",
    "AccessDenied, 403, ACCESS_DENIED",
    "AccessDeniedException, 400, ACCESS_DENIED",
    "InvalidClientTokenId, 403, CREDENTIALS_REJECTED",
    "ExpiredToken, 400, CREDENTIALS_REJECTED",
    "EntityAlreadyExists, 409, CONFLICT",
    "ServiceFailure, 500, SERVICE_ERROR",
    "InternalFailure, 500, SERVICE_ERROR",
    "ServiceUnavailable, 503, SERVICE_ERROR",
    "ValidationError, 400, REJECTED",
  })
  void classifiesByCodeThenByStatus(String code, int status, Kind expected) {
    assertThat(AwsFailures.classify(code, status)).isEqualTo(expected);
  }

  @Test
  void missingCredentialsAreNotConfiguredAndNamedWithoutTheSdksChain() {
    AwsException e =
        AwsFailures.translate(
            "iam:ListAccessKeys",
            SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain\nsecond line"));

    assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED);
    assertThat(e.getMessage())
        .isEqualTo("iam:ListAccessKeys failed: no AWS credentials found; " + AwsException.FIX_NO_CREDENTIALS);
    assertThat(e.reason()).isEqualTo("iam:ListAccessKeys failed: no AWS credentials found");
    assertThat(e.errorCode()).isEmpty();
    assertThat(e.requestId()).isEmpty();
  }

  @Test
  void connectionFailuresAreUnreachable() {
    AwsException e =
        AwsFailures.translate("sts:GetCallerIdentity", SdkClientException.create("Connection refused"));

    assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
  }
}
