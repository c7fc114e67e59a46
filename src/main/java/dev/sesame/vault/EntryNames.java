package dev.sesame.vault;

/**
 * Entry names: letters, digits, '_' and '-', up to 64 characters. No dot, because templates
 * write {@code ${NAME.field}}; no slash, because later stores map names onto secret paths.
 */
public final class EntryNames {
  private EntryNames() {}

  /** [A-Za-z0-9][A-Za-z0-9_-]{0,63}, by hand: the regex engine's start-up is a few ms of every `get`. */
  public static boolean isValid(String name) {
    if (name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alphanumeric = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alphanumeric && (i == 0 || (c != '_' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  /** For names given by the user. */
  public static String check(String name) {
    if (!isValid(name)) {
      // The name is not echoed: a mistyped command line may have put a secret in its place.
      throw new IllegalArgumentException("invalid entry name: use letters, digits, '_' and '-' (at most 64, starting with a letter or digit)");
    }
    return name;
  }

  static String checkStored(String name) throws VaultException.Corrupt {
    if (!isValid(name)) {
      throw new VaultException.Corrupt("vault file is damaged: invalid entry name");
    }
    return name;
  }
}
