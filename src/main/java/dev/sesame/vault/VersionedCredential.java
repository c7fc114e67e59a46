package dev.sesame.vault;

import java.util.Map;

/** An unsealed version: its index data and the credential. Redacts itself in toString(). */
public record VersionedCredential(String name, VersionInfo info, Credential credential) {
  /** Every field including created_at, for rendering and `get --field`. */
  public Map<String, String> allFields() {
    return credential.fieldsWithCreatedAt(info.createdAt());
  }

  @Override
  public String toString() {
    return "VersionedCredential[" + name + " v" + info.version() + ", REDACTED]";
  }
}
