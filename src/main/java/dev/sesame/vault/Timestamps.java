package dev.sesame.vault;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * created_at in its one canonical spelling, {@link Instant#toString()}'s: {@code
 * yyyy-MM-ddTHH:mm:ss}, a fraction only when non-zero and then in groups of three digits, {@code Z}.
 *
 * <p>Hand-written for years 0000-9999 (every real vault) because java.time's DateTimeFormatter
 * builds all its standard formatters in its static initialiser, about 12 ms of every `get`, which
 * parses and re-prints each created_at (the index MAC covers their text). Results are exactly
 * {@link Instant#parse} and {@link Instant#toString()}'s, which the test compares; anything
 * outside that range or shape is left to the JDK.
 */
final class Timestamps {
  /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: four-digit years, no sign. */
  private static final long FIRST_SECOND = -62_167_219_200L;
  private static final long LAST_SECOND = 253_402_300_799L;

  private Timestamps() {}

  /** Same as {@code instant.toString()}. */
  static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
      return instant.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    StringBuilder out = new StringBuilder(30);
    digits(out, date.getYear(), 4).append('-');
    digits(out, date.getMonthValue(), 2).append('-');
    digits(out, date.getDayOfMonth(), 2).append('T');
    digits(out, secondOfDay / 3600, 2).append(':');
    digits(out, secondOfDay / 60 % 60, 2).append(':');
    digits(out, secondOfDay % 60, 2);
    int nano = instant.getNano();
    if (nano > 0) {
      out.append('.');
      if (nano % 1_000_000 == 0) {
        digits(out, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        digits(out, nano / 1000, 6);
      } else {
        digits(out, nano, 9);
      }
    }
    return out.append('Z').toString();
  }

  /**
   * The instant TEXT spells if it is the canonical spelling of one in years 0000-9999; null for
   * anything else (the caller then asks the JDK, which rejects or accepts it as before).
   */
  static Instant parseCanonical(String text) {
    int length = text.length();
    if (length != 20 && length != 24 && length != 27 && length != 30) {
      return null;
    }
    if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
        || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z' || (length > 20 && text.charAt(19) != '.')) {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 7);
    int day = number(text, 8, 10);
    int hour = number(text, 11, 13);
    int minute = number(text, 14, 16);
    int second = number(text, 17, 19);
    int fraction = length > 20 ? number(text, 20, length - 1) : 0;
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || fraction < 0) {
      return null;
    }
    // Canonical: a fraction is printed only when non-zero, and only as many groups as it needs.
    if (length > 20 && number(text, length - 4, length - 1) == 0) {
      return null;
    }
    int nano = fraction;
    for (int printed = length > 20 ? length - 21 : 9; printed < 9; printed++) {
      nano *= 10;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600 + minute * 60 + second, nano);
  }

  /** The decimal digits of TEXT from START to END (exclusive), or -1 if any is not a digit. */
  private static int number(String text, int start, int end) {
    int value = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static StringBuilder digits(StringBuilder out, int value, int width) {
    String text = Integer.toString(value);
    for (int pad = text.length(); pad < width; pad++) {
      out.append('0');
    }
    return out.append(text);
  }
}
