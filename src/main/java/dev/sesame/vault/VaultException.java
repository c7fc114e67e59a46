package dev.sesame.vault;

/**
 * A vault operation failed. Messages are single lines meant for the user and never contain a
 * secret value. The CLI maps each subclass to its exit code in one place.
 */
public class VaultException extends Exception {
  private static final long serialVersionUID = 1L;

  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }

  /** None of the offered key sources opens the vault. */
  public static final class WrongKey extends VaultException {
    private static final long serialVersionUID = 1L;

    public WrongKey(String message) {
      super(message);
    }
  }

  /** The file is not a well-formed, authentic vault: tampered, truncated or not a vault at all. */
  public static final class Corrupt extends VaultException {
    private static final long serialVersionUID = 1L;

    public Corrupt(String message) {
      super(message);
    }

    public Corrupt(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An entry, a label or the vault itself does not exist. */
  public static final class NotFound extends VaultException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message);
    }
  }

  /** Another process holds the vault lock, or the change conflicts with the vault's state. */
  public static final class Conflict extends VaultException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }
  }
}
