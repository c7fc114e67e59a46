package dev.sesame.crypto;

import java.util.Arrays;

/**
 * Overwrites secret material with zeros once it is no longer needed.
 *
 * <p>Best effort only: the JVM may already have copied the bytes (garbage collection, string
 * interning, buffers of the code that produced them). Wiping still shortens the time a secret sits
 * in a heap dump or swapped page, which is the point.
 */
public final class Wipe {
  private Wipe() {}

  /** Fills every given array with zero bytes; {@code null} arrays (and a null varargs) are skipped. */
  public static void bytes(byte[]... arrays) {
    if (arrays == null) {
      return;
    }
    for (byte[] array : arrays) {
      if (array != null) {
        Arrays.fill(array, (byte) 0);
      }
    }
  }

  /** Fills every given array with {@code '\0'}; {@code null} arrays (and a null varargs) are skipped. */
  public static void chars(char[]... arrays) {
    if (arrays == null) {
      return;
    }
    for (char[] array : arrays) {
      if (array != null) {
        Arrays.fill(array, '\0');
      }
    }
  }
}
