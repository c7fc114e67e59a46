package dev.sesame.vault;

import java.util.Base64;

/** Strict decoding of the small scalar values found in a vault file. */
final class Codec {
  private Codec() {}

  /**
   * Decodes standard base64 and refuses any text that does not re-encode to itself: a changed
   * padding bit or a stray character is tampering, not a harmless variation.
   */
  static byte[] base64(String text, String what) throws VaultException.Corrupt {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new VaultException.Corrupt("vault file is damaged: " + what + " is not valid base64");
    }
    if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
      throw new VaultException.Corrupt("vault file is damaged: " + what + " is not canonical base64");
    }
    return decoded;
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static int boundedInt(String text, int min, int max, String what) throws VaultException.Corrupt {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new VaultException.Corrupt("vault file is damaged: " + what + " is not a number");
    }
    if (value < min || value > max || !Integer.toString(value).equals(text)) {
      throw new VaultException.Corrupt("vault file is damaged: " + what + " out of range");
    }
    return value;
  }
}
