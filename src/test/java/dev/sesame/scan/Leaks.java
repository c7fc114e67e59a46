package dev.sesame.scan;

import dev.sesame.ses.SmtpPassword;

/**
 * Credentials as they leak, for the scan tests: AWS's documented example key, its SES SMTP
 * passwords, and a key whose password needs URL-encoding (it holds both '+' and '/').
 */
final class Leaks {
  static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String REGION = "eu-west-1";
  static final String PASSWORD = SmtpPassword.derive(SECRET, REGION);
  static final String HOST = "email-smtp." + REGION + ".amazonaws.com";

  /** A secret whose eu-west-1 password holds '+' and '/', found by trying suffixes in order. */
  static final String SECRET_WITH_PLUS_AND_SLASH = secretWithPlusAndSlash();
  static final String PASSWORD_WITH_PLUS_AND_SLASH = SmtpPassword.derive(SECRET_WITH_PLUS_AND_SLASH, REGION);

  private Leaks() {}

  private static String secretWithPlusAndSlash() {
    for (int i = 0; ; i++) {
      String secret = String.format("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPL%04d", i);
      String password = SmtpPassword.derive(secret, REGION);
      if (password.contains("+") && password.contains("/")) {
        return secret;
      }
    }
  }
}
