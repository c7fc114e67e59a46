package dev.sesame.testing.aws;

/**
 * An AWS error answer, thrown by a handler and rendered in its protocol's error shape (Query XML
 * {@code ErrorResponse}, or a JSON body with {@code __type}).
 *
 * @param status the HTTP status AWS uses for this code
 * @param code the AWS error code, such as {@code LimitExceeded}
 * @param sender true for a caller's fault ({@code <Type>Sender</Type>}), false for AWS's own
 */
public final class AwsError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final boolean sender;

  public AwsError(int status, String code, String message) {
    this(status, code, message, status < 500);
  }

  public AwsError(int status, String code, String message, boolean sender) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.sender = sender;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public boolean sender() {
    return sender;
  }
}
