package dev.sesame.aws;

import java.util.Objects;

/**
 * An IAM secret access key. {@link #toString()} prints {@code REDACTED}, so the value cannot leak
 * into a log line, an exception message or a debugger's summary by accident; only {@link
 * #reveal()} hands it out. The SDK delivers the secret as a {@code String}, so wiping a copy here
 * would protect nothing: the type guards against accidental printing, not against memory dumps.
 */
public final class SecretAccessKey {
  private final String value;

  private SecretAccessKey(String value) {
    this.value = value;
  }

  /** Wraps a secret as IAM returned it (40 characters for keys IAM creates today). */
  public static SecretAccessKey of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty secret access key");
    }
    return new SecretAccessKey(value);
  }

  /** The secret itself, for sealing into the vault or deriving the SMTP password. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "SecretAccessKey[REDACTED]";
  }
}
