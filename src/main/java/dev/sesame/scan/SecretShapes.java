package dev.sesame.scan;

import java.util.Base64;

/**
 * The shapes of AWS credentials in text. Shape checks only: nothing here proves that a value
 * works, and nothing here ever returns or prints the value it looked at.
 */
final class SecretShapes {
  /** "AKIA" and 16 upper-case letters or digits: a long-term IAM user access key id. */
  static final int ACCESS_KEY_ID_LENGTH = 20;
  /** base64 of 33 bytes (a version byte and an HMAC-SHA256), no padding. */
  static final int SMTP_PASSWORD_LENGTH = 44;
  static final int SECRET_ACCESS_KEY_LENGTH = 40;

  // Version byte of SES SMTP passwords (SES Developer Guide, "Obtaining Amazon SES SMTP
  // credentials"): 0x04 for the current SigV4 derivation, 0x02 for the retired SigV2 one, which
  // some old credentials still carry.
  private static final byte VERSION_SIGV4 = 0x04;
  private static final byte VERSION_SIGV2 = 0x02;

  private SecretShapes() {}

  static boolean isBase64Char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  }

  static boolean isKeyIdChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Whether TEXT holds an access key id at AT (not part of a longer word). */
  static boolean isAccessKeyIdAt(CharSequence text, int at) {
    int end = at + ACCESS_KEY_ID_LENGTH;
    if (end > text.length() || !startsWith(text, at, "AKIA")) {
      return false;
    }
    if (at > 0 && Character.isLetterOrDigit(text.charAt(at - 1))) {
      return false;
    }
    if (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
      return false;
    }
    for (int i = at + 4; i < end; i++) {
      if (!isKeyIdChar(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** 44 base64 characters decoding to a version byte SES uses followed by 32 bytes. */
  static boolean isSesSmtpPassword(CharSequence token) {
    if (token.length() != SMTP_PASSWORD_LENGTH || !allBase64(token)) {
      return false;
    }
    byte[] decoded = Base64.getDecoder().decode(token.toString());
    return decoded.length == 33 && (decoded[0] == VERSION_SIGV4 || decoded[0] == VERSION_SIGV2);
  }

  /**
   * 40 base64 characters with both cases: a random secret access key has them with
   * overwhelming odds, while a SHA-1 in hex or an upper-case constant has not.
   */
  static boolean looksLikeSecretAccessKey(CharSequence token) {
    if (token.length() != SECRET_ACCESS_KEY_LENGTH || !allBase64(token)) {
      return false;
    }
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    return lower && upper;
  }

  private static boolean allBase64(CharSequence token) {
    for (int i = 0; i < token.length(); i++) {
      if (!isBase64Char(token.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(CharSequence text, int at, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (text.charAt(at + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
