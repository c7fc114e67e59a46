package dev.sesame.vault;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plaintext of one entry version: an SES or manual SMTP credential. Its {@code toString()}
 * never shows a value, so a log line or an exception message cannot leak one by accident.
 */
public final class Credential {
  public static final String SMTP_HOST = "smtp_host";
  public static final String SMTP_PORT = "smtp_port";
  public static final String SMTP_USERNAME = "smtp_username";
  public static final String SMTP_PASSWORD = "smtp_password";
  public static final String REGION = "region";
  public static final String IAM_USER = "iam_user";
  public static final String ACCESS_KEY_ID = "access_key_id";
  public static final String SECRET_ACCESS_KEY = "secret_access_key";
  /**
   * How a client starts TLS with the server: {@code starttls} or {@code implicit}. Stored for manual
   * relays (optional: entries written before it existed derive it from a well-known port); an SES
   * entry's follows its port.
   */
  public static final String SMTP_TLS = "smtp_tls";
  /** Not sealed: comes from the version's index record. */
  public static final String CREATED_AT = "created_at";

  /** Every field a version has, in design.md's order (the names templates and `get --field` use). */
  public static final List<String> ALL_FIELDS = List.of(SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD,
      REGION, IAM_USER, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SMTP_TLS, CREATED_AT);

  /**
   * The secret access key of an SES entry whose SMTP password was imported from a file
   * (`sesame import`): Sesame knows the key id, Region and password, not the key's secret. Such a
   * field is left out of {@link #fieldsWithCreatedAt}, so `get`, `exec` and templates treat it as
   * absent rather than as an empty secret; the first rotation or revoke replaces the key.
   */
  public static final String UNKNOWN_SECRET_ACCESS_KEY = "";

  /** Fields whose values are secrets: masked in listings and dry runs. */
  public static final Set<String> SECRET_FIELDS = Set.of(SMTP_PASSWORD, SECRET_ACCESS_KEY);

  private final EntryType type;
  private final Map<String, String> fields;

  private Credential(EntryType type, Map<String, String> fields) {
    this.type = type;
    this.fields = Collections.unmodifiableMap(fields);
  }

  /**
   * A credential of TYPE holding exactly TYPE's fields, plus any of its optional fields. Missing
   * or unexpected fields are refused; an empty IAM user is allowed (it is optional on the command
   * line).
   */
  public static Credential of(EntryType type, Map<String, String> values) {
    Map<String, String> ordered = new LinkedHashMap<>();
    for (String field : type.fields()) {
      String value = values.get(field);
      if (value == null) {
        throw new IllegalArgumentException("a " + type.wireName() + " credential needs field " + field);
      }
      ordered.put(field, value);
    }
    for (String field : type.optionalFields()) {
      if (values.containsKey(field)) {
        ordered.put(field, values.get(field));
      }
    }
    for (String field : values.keySet()) {
      if (!ordered.containsKey(field)) {
        throw new IllegalArgumentException("a " + type.wireName() + " credential has no field " + field);
      }
    }
    return new Credential(type, ordered);
  }

  public EntryType type() {
    return type;
  }

  /** The sealed fields in canonical order. */
  public Map<String, String> fields() {
    return fields;
  }

  public Optional<String> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** Whether this is an SES entry without the secret access key (an imported SMTP password). */
  public boolean secretAccessKeyUnknown() {
    return type == EntryType.SES && UNKNOWN_SECRET_ACCESS_KEY.equals(fields.get(SECRET_ACCESS_KEY));
  }

  /**
   * All fields of this version including {@code created_at}, for rendering and {@code get}; an
   * unknown secret access key is left out.
   */
  public Map<String, String> fieldsWithCreatedAt(Instant createdAt) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (secretAccessKeyUnknown()) {
      all.remove(SECRET_ACCESS_KEY);
    }
    all.put(CREATED_AT, Timestamps.format(createdAt));
    return all;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credential that && type == that.type && fields.equals(that.fields);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + fields.hashCode();
  }

  @Override
  public String toString() {
    return "Credential[" + type.wireName() + ", REDACTED]";
  }
}
