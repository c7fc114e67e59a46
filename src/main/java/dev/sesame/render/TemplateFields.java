package dev.sesame.render;

import dev.sesame.vault.Credential;
import java.util.List;
import java.util.Set;

/** The field names a template may use (design.md section 5) and which of them are secret. */
public final class TemplateFields {
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
   * {@code starttls} or {@code implicit}: stored by a manual relay's entry, derived from the port
   * for an SES entry (and for relays stored before the field existed, on a well-known port).
   */
  public static final String SMTP_TLS = Credential.SMTP_TLS;
  /** Derived from {@link #SMTP_TLS}: {@code tls} or {@code ssl}, as PHPMailer's {@code SMTPSecure} expects. */
  public static final String SMTP_SECURE = "smtp_secure";
  /** Derived from {@link #SMTP_TLS}: {@code no} or {@code yes}, for Postfix's {@code smtp_tls_wrappermode}. */
  public static final String SMTP_TLS_WRAPPERMODE = "smtp_tls_wrappermode";
  /** Derived from {@link #SMTP_TLS}: {@code smtp} or {@code smtps}, for the {@code protocol} of Exim's smtp transport. */
  public static final String SMTP_PROTOCOL = "smtp_protocol";

  /** The fields computed from an entry's TLS mode. */
  public static final List<String> TLS_DERIVED = List.of(SMTP_SECURE, SMTP_TLS_WRAPPERMODE, SMTP_PROTOCOL);

  /** Stored fields, in the order design.md section 3 lists them. */
  public static final List<String> STORED = Credential.ALL_FIELDS;

  private static final Set<String> SECRET = Credential.SECRET_FIELDS;

  /** The text shown instead of a secret value in --dry-run output. */
  public static final String MASK = "********";

  private TemplateFields() {}

  public static boolean isKnown(String field) {
    return STORED.contains(field) || TLS_DERIVED.contains(field);
  }

  public static boolean isSecret(String field) {
    return SECRET.contains(field);
  }
}
