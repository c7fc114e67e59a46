package dev.sesame.vault;

import java.util.Locale;

/**
 * Staging labels of an entry version, after Secrets Manager's AWSCURRENT / AWSPENDING /
 * AWSPREVIOUS. Each label is on at most one version of an entry.
 */
public enum Label {
  CURRENT,
  PENDING,
  PREVIOUS;

  /** The name as written in the vault file and on the command line. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Label parse(String text) {
    for (Label label : values()) {
      if (label.wireName().equals(text)) {
        return label;
      }
    }
    // The text is not echoed: a mistyped command line may have put a secret here.
    throw new IllegalArgumentException("unknown label: expected current, pending or previous");
  }
}
