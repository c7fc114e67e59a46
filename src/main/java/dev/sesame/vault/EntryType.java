package dev.sesame.vault;

import java.util.List;

/** What an entry holds, and so which fields its sealed body must carry. */
public enum EntryType {
  /** An IAM access key of an SES sending user plus the SMTP credential derived from it. */
  SES("ses", List.of(Credential.REGION, Credential.IAM_USER, Credential.ACCESS_KEY_ID,
      Credential.SECRET_ACCESS_KEY, Credential.SMTP_USERNAME, Credential.SMTP_PASSWORD,
      Credential.SMTP_HOST, Credential.SMTP_PORT), List.of()),
  /** Any other SMTP relay: host, port, login, and how TLS starts (optional for older entries). */
  SMTP("smtp", List.of(Credential.SMTP_HOST, Credential.SMTP_PORT, Credential.SMTP_USERNAME,
      Credential.SMTP_PASSWORD), List.of(Credential.SMTP_TLS));

  private final String wireName;
  private final List<String> fields;
  private final List<String> optionalFields;

  EntryType(String wireName, List<String> fields, List<String> optionalFields) {
    this.wireName = wireName;
    this.fields = List.copyOf(fields);
    this.optionalFields = List.copyOf(optionalFields);
  }

  public String wireName() {
    return wireName;
  }

  /** The sealed fields every version of this type carries, in their canonical order. */
  public List<String> fields() {
    return fields;
  }

  /** Sealed fields a version of this type may carry after the others (added in later releases). */
  public List<String> optionalFields() {
    return optionalFields;
  }

  public static EntryType parse(String text) {
    for (EntryType type : values()) {
      if (type.wireName.equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown entry type '" + text + "'");
  }
}
