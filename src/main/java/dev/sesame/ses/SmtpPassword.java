package dev.sesame.ses;

import dev.sesame.crypto.Hmac;
import dev.sesame.crypto.Wipe;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Derives the SES SMTP password from an IAM secret access key, per the SES Developer Guide
 * ("Obtaining Amazon SES SMTP credentials"): a SigV4-style HMAC-SHA256 chain signing the fixed
 * message "SendRawEmail", prefixed with version byte 0x04 and base64-encoded. The result depends on
 * the Region: a password derived for one Region fails AUTH in every other.
 */
public final class SmtpPassword {
  // Fixed by AWS: the date is a constant, not a real date, so the password never expires.
  private static final String DATE = "11111111";
  private static final String SERVICE = "ses";
  private static final String TERMINAL = "aws4_request";
  private static final String MESSAGE = "SendRawEmail";
  private static final byte VERSION = 0x04;

  private SmtpPassword() {}

  /**
   * Returns the SMTP password for {@code secretAccessKey} in {@code region}.
   *
   * <p>Error messages never contain the secret (nor an invalid region, in case the arguments were
   * swapped).
   *
   * @throws IllegalArgumentException if the secret is null, empty or contains whitespace or control
   *     characters, or the region is not lower-case letters, digits and hyphens
   */
  public static String derive(String secretAccessKey, String region) {
    requireUsableSecret(secretAccessKey);
    SesRegions.requireWellFormed(region);
    byte[] key = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
    for (String step : new String[] {DATE, region, SERVICE, TERMINAL, MESSAGE}) {
      byte[] next = Hmac.sha256(key, step.getBytes(StandardCharsets.UTF_8));
      Wipe.bytes(key);
      key = next;
    }
    byte[] versioned = new byte[1 + key.length];
    versioned[0] = VERSION;
    System.arraycopy(key, 0, versioned, 1, key.length);
    try {
      return Base64.getEncoder().encodeToString(versioned);
    } finally {
      Wipe.bytes(key, versioned);
    }
  }

  private static void requireUsableSecret(String secretAccessKey) {
    if (secretAccessKey == null || secretAccessKey.isEmpty()) {
      throw new IllegalArgumentException("secret access key is empty");
    }
    // A trailing newline from stdin or a pasted space would silently give a wrong password.
    for (int i = 0; i < secretAccessKey.length(); i++) {
      char c = secretAccessKey.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "secret access key contains whitespace or a control character (a trailing newline?)");
      }
    }
  }
}
