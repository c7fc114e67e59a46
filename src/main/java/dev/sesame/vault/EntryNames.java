package dev.sesame.vault;

import java.util.regex.Pattern;

/**
 * Entry names: letters, digits, '_' and '-', up to 64 characters. No dot, because templates
 * write {@code ${NAME.field}}; no slash, because later stores map names onto secret paths.
 */
public final class EntryNames {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private EntryNames() {}

  public static boolean isValid(String name) {
    return VALID.matcher(name).matches();
  }

  /** For names given by the user. */
  public static String check(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException("invalid entry name '" + name
          + "': use letters, digits, '_' and '-' (at most 64, starting with a letter or digit)");
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
