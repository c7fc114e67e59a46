package dev.sesame.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * An AWS call failed after the SDK's own retries. The message is one line meant for the user:
 * the operation, what kind of failure it was, the AWS error code and the request id when AWS sent
 * them. It never holds a secret, and only carries AWS's own wording, which never echoes one.
 * The CLI maps every {@code AwsException} to exit code 7.
 */
public final class AwsException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms a caller acts on. */
  public enum Kind {
    /** AWS asked us to slow down, and kept asking after every retry. */
    THROTTLED("throttled"),
    /** A quota is exhausted, such as the two access keys an IAM user may have. */
    LIMIT_EXCEEDED("limit exceeded"),
    /** The user, key, secret or other named entity does not exist. */
    NOT_FOUND("not found"),
    /** The caller's credentials are valid but not allowed to do this. */
    ACCESS_DENIED("access denied"),
    /** AWS did not accept the credentials at all: unknown, expired, or a bad signature. */
    CREDENTIALS_REJECTED("credentials rejected"),
    /** No credentials or no region could be found by the SDK's default chains. */
    NOT_CONFIGURED("not configured"),
    /** The request conflicts with the entity's state (for example it already exists). */
    CONFLICT("conflict"),
    /** AWS answered with a 5xx error, and kept doing so after every retry. */
    SERVICE_ERROR("service error"),
    /** No answer: connection failure or timeout, after every retry. */
    UNREACHABLE("unreachable"),
    /** Any other refusal: a 4xx error not listed above. */
    REJECTED("rejected");

    private final String words;

    Kind(String words) {
      this.words = words;
    }

    /** Lower-case words for messages. */
    public String words() {
      return words;
    }
  }

  /** The usual fixes, worded once so the CLI's errors and the doctor's SKIP findings say the same. */
  public static final String FIX_NO_CREDENTIALS = "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
      + " attach an instance role, or run 'aws configure'";
  public static final String FIX_NO_REGION = "give --region REGION or set AWS_REGION";
  public static final String FIX_EXPIRED = "refresh the credentials (aws sso login, or a new session of the role)"
      + " and run it again";
  public static final String FIX_REJECTED_KEY = "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the profile's"
      + " keys: AWS does not accept them";
  public static final String FIX_UNREACHABLE = "check the network, proxy and AWS_ENDPOINT_URL, and that the Region"
      + " exists";
  public static final String POLICY_HINT = "'sesame policy' prints the least-privilege policy";

  private final String operation;
  private final Kind kind;
  private final String errorCode;
  private final String requestId;
  private final String reason;
  private final String fix;

  AwsException(
      String operation,
      Kind kind,
      String errorCode,
      String requestId,
      String detail,
      Throwable cause) {
    this(operation, kind, errorCode, requestId, detail, defaultFix(operation, kind, errorCode), cause);
  }

  AwsException(
      String operation,
      Kind kind,
      String errorCode,
      String requestId,
      String detail,
      String fix,
      Throwable cause) {
    super(message(operation, kind, errorCode, requestId, detail) + (fix == null ? "" : "; " + fix), cause);
    this.operation = Objects.requireNonNull(operation, "operation");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.errorCode = errorCode;
    this.requestId = requestId;
    this.reason = message(operation, kind, errorCode, requestId, detail);
    this.fix = fix;
  }

  /** What failed and why, in one line, without the fix: the doctor's SKIP reason. */
  public String reason() {
    return reason;
  }

  /**
   * What to do about it; for a denial, WHEN_DENIED (the permission a caller such as the doctor
   * needs) when given, else the operation itself and where the policy comes from.
   */
  public String fix(String whenDenied) {
    if (kind == Kind.ACCESS_DENIED && whenDenied != null) {
      return whenDenied + " (" + POLICY_HINT + ")";
    }
    return fix == null ? "rerun when AWS answers normally; add --debug for details" : fix;
  }

  private static String defaultFix(String operation, Kind kind, String errorCode) {
    return switch (kind) {
      case ACCESS_DENIED -> "allow " + operation + " to this AWS identity (" + POLICY_HINT + ")";
      case CREDENTIALS_REJECTED -> errorCode != null && errorCode.startsWith("ExpiredToken")
          ? FIX_EXPIRED : FIX_REJECTED_KEY;
      case UNREACHABLE -> FIX_UNREACHABLE;
      case NOT_CONFIGURED -> FIX_NO_CREDENTIALS;
      case THROTTLED, SERVICE_ERROR -> "wait a minute and run it again";
      default -> null;
    };
  }

  /** The failed operation as {@code service:Action}, for example {@code iam:CreateAccessKey}. */
  public String operation() {
    return operation;
  }

  public Kind kind() {
    return kind;
  }

  /** The AWS error code, such as {@code LimitExceeded}, when AWS answered with one. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** The AWS request id of the last attempt, when AWS answered; quote it to AWS Support. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  private static String message(
      String operation, Kind kind, String errorCode, String requestId, String detail) {
    StringBuilder text = new StringBuilder();
    text.append(operation).append(" failed: ");
    // "no AWS credentials found" says more than "not configured: no AWS credentials found".
    boolean detailSaysAll = kind == Kind.NOT_CONFIGURED && detail != null && !detail.isBlank();
    if (!detailSaysAll) {
      text.append(kind.words());
    }
    if (errorCode != null) {
      text.append(" (").append(errorCode).append(')');
    }
    if (detail != null && !detail.isBlank()) {
      text.append(detailSaysAll ? "" : ": ").append(detail);
    }
    if (requestId != null) {
      text.append(" [request id ").append(requestId).append(']');
    }
    return oneLine(text.toString());
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return flat.length() <= 400 ? flat : flat.substring(0, 397) + "...";
  }
}
