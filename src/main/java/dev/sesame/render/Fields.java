package dev.sesame.render;

import java.util.List;
import java.util.Set;

/** The field names a template may use (DESIGN.md section 5) and which of them are secret. */
public final class Fields {
  public static final String SMTP_HOST = "smtp_host";
  public static final String SMTP_PORT = "smtp_port";
  public static final String SMTP_USERNAME = "smtp_username";
  public static final String SMTP_PASSWORD = "smtp_password";
  public static final String REGION = "region";
  public static final String IAM_USER = "iam_user";
  public static final String ACCESS_KEY_ID = "access_key_id";
  public static final String SECRET_ACCESS_KEY = "secret_access_key";
  public static final String CREATED_AT = "created_at";
  /**
   * Derived, not stored: {@code tls} for the STARTTLS ports (587, 2587, 25) and {@code ssl} for the
   * implicit-TLS ports (465, 2465), as PHPMailer's {@code SMTPSecure} expects.
   */
  public static final String SMTP_SECURE = "smtp_secure";

  /** Stored fields, in the order DESIGN.md lists them. */
  public static final List<String> STORED =
      List.of(SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, REGION, IAM_USER, ACCESS_KEY_ID,
          SECRET_ACCESS_KEY, CREATED_AT);

  private static final Set<String> SECRET = Set.of(SMTP_PASSWORD, SECRET_ACCESS_KEY);

  /** The text shown instead of a secret value in --dry-run output. */
  public static final String MASK = "********";

  private Fields() {}

  public static boolean isKnown(String field) {
    return STORED.contains(field) || SMTP_SECURE.equals(field);
  }

  public static boolean isSecret(String field) {
    return SECRET.contains(field);
  }
}
