package dev.sesame.aws;

/**
 * The status of an IAM access key. An inactive key still exists and still counts against the
 * per-user quota, but AWS refuses every request signed with it (API reference: UpdateAccessKey).
 */
public enum KeyStatus {
  ACTIVE("Active"),
  INACTIVE("Inactive");

  private final String wireName;

  KeyStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The value IAM uses on the wire: {@code Active} or {@code Inactive}. */
  public String wireName() {
    return wireName;
  }
}
