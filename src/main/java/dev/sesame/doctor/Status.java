package dev.sesame.doctor;

/** How a check came out. Order matters: later is worse, and SKIP ranks below PASS. */
public enum Status {
  SKIP, PASS, WARN, FAIL;

  /** The worse of two statuses (FAIL over WARN over PASS over SKIP). */
  public Status worse(Status other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
