package dev.sesame.ses;

/**
 * What a value must look like before `put` stores it, so that a typo is refused at once instead of
 * failing later in a mail queue. Messages never quote the value: it may be a secret, or a secret
 * typed into the wrong option.
 */
public final class CredentialRules {
  private CredentialRules() {}

  /**
   * An IAM user's long-term access key id: "AKIA" and 16 upper-case letters or digits. An "ASIA"
   * id belongs to temporary STS credentials (IAM User Guide, "Understanding unique ID prefixes"),
   * which expire within hours and need a session token that SMTP AUTH cannot carry.
   */
  public static void checkAccessKeyId(String accessKeyId) {
    if (accessKeyId.startsWith("ASIA")) {
      throw new IllegalArgumentException("the access key id starts with ASIA: that is a temporary (STS) credential,"
          + " which expires and cannot be an SMTP credential; give a long-term key of the IAM user (AKIA...)");
    }
    if (!accessKeyId.matches("AKIA[A-Z0-9]{16}")) {
      throw new IllegalArgumentException("an access key id is AKIA followed by 16 upper-case letters and digits"
          + " (20 characters); check --access-key-id");
    }
  }

  /** A secret access key: 40 characters of letters, digits, '/' and '+' (base64 without padding). */
  public static void checkSecretAccessKey(String secretAccessKey) {
    if (secretAccessKey.length() != 40 || !secretAccessKey.matches("[A-Za-z0-9/+]+")) {
      throw new IllegalArgumentException("the secret access key on standard input is not 40 characters of letters,"
          + " digits, '/' and '+' (" + secretAccessKey.length() + " characters read); paste it again from the"
          + " CreateAccessKey result");
    }
  }

  /**
   * No control characters (line breaks, tabs, NUL, DEL, the C1 range) in WHAT: no SMTP server or
   * config format carries them, and a pasted one is invisible.
   */
  public static void checkNoControlCharacters(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(what + " contains a control character (character " + (i + 1)
            + "); remove it");
      }
    }
  }
}
