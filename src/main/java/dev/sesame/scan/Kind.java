package dev.sesame.scan;

/** What a finding is. Both send mail as the domain: an SMTP password, or the key it comes from. */
public enum Kind {
  /** An SES SMTP password (44 base64 characters, version byte 0x04) beside an access key id. */
  SES_SMTP_PASSWORD("ses-smtp-password"),
  /** An IAM secret access key (40 characters), from which SMTP passwords for any Region derive. */
  SECRET_ACCESS_KEY("secret-access-key");

  private final String wireName;

  Kind(String wireName) {
    this.wireName = wireName;
  }

  /** The name printed by `scan` and accepted in JSON consumers. */
  public String wireName() {
    return wireName;
  }
}
