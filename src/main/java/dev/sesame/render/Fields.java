package dev.sesame.render;

import dev.sesame.vault.Credential;
import java.util.List;
import java.util.Set;

/** The field names a template may use (design.md section 5) and which of them are secret. */
public final class Fields {
  public static final String SMTP_HOST = Credential.SMTP_HOST;
  public static final String SMTP_PORT = Credential.SMTP_PORT;
  public static final String SMTP_USERNAME = Credential.SMTP_USERNAME;
  public static final String SMTP_PASSWORD = Credential.SMTP_PASSWORD;
  public static final String REGION = Credential.REGION;
  public static final String IAM_USER = Credential.IAM_USER;
  public static final String ACCESS_KEY_ID = Credential.ACCESS_KEY_ID;
  public static final String SECRET_ACCESS_KEY = Credential.SECRET_ACCESS_KEY;
  public static final String CREATED_AT = Credential.CREATED_AT;
  /**
   * Derived, not stored: {@code tls} for the STARTTLS ports (587, 2587, 25) and {@code ssl} for the
   * implicit-TLS ports (465, 2465), as PHPMailer's {@code SMTPSecure} expects.
   */
  public static final String SMTP_SECURE = "smtp_secure";

  /** Stored fields, in the order design.md section 3 lists them. */
  public static final List<String> STORED = Credential.ALL_FIELDS;

  private static final Set<String> SECRET = Credential.SECRET_FIELDS;

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
