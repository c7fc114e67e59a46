package dev.sesame.vault;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import dev.sesame.crypto.Wipe;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a new passphrase must be. Whoever copies the vault file can guess its passphrase offline
 * at Argon2id's cost per guess, so a passphrase slot is only as strong as the passphrase:
 * at least {@value #MIN_CHARACTERS} characters and, by zxcvbn's estimate (dictionaries, names,
 * keyboard patterns, dates, l33t), at least 10^{@value #MIN_GUESSES_LOG10} guesses, zxcvbn's top
 * score ("strong protection from an offline slow-hash attack"). The length and estimate can be
 * waived; valid UTF-8 without control characters cannot: a passphrase must be typeable at the
 * prompt and mean the same bytes on every machine.
 */
public final class PassphrasePolicy {
  public static final int MIN_CHARACTERS = 12;
  public static final int MIN_GUESSES_LOG10 = 10;
  /** zxcvbn's matching grows quickly with length; beyond this a prefix is estimated (a lower bound). */
  private static final int MAX_ESTIMATED_CHARACTERS = 100;

  private PassphrasePolicy() {}

  /**
   * Checks NEW_PASSPHRASE (UTF-8 bytes, not modified). With ALLOW_WEAK only the encoding rules
   * apply. The message never contains the passphrase or any part of it.
   *
   * @throws IllegalArgumentException naming what is wrong and how to fix it
   */
  public static void checkNew(byte[] newPassphrase, boolean allowWeak) {
    char[] chars = decodeStrictly(newPassphrase);
    try {
      int characters = 0;
      for (int i = 0; i < chars.length; i++) {
        char c = chars[i];
        if (c == 0) {
          throw new IllegalArgumentException("the new passphrase contains a NUL byte");
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
          throw new IllegalArgumentException("the new passphrase contains a control character");
        }
        if (!Character.isLowSurrogate(c)) {
          characters++;
        }
      }
      if (allowWeak) {
        return;
      }
      if (characters < MIN_CHARACTERS) {
        throw new IllegalArgumentException("the new passphrase has " + characters + " characters; at least "
            + MIN_CHARACTERS + " are needed (four or more random words make a good one),"
            + " or pass --allow-weak-passphrase");
      }
      Strength strength = new Zxcvbn().measure(CharBuffer.wrap(chars, 0,
          Math.min(chars.length, MAX_ESTIMATED_CHARACTERS)));
      try {
        double guessesLog10 = strength.getGuessesLog10();
        if (guessesLog10 < MIN_GUESSES_LOG10) {
          String warning = strength.getFeedback().getWarning(Locale.ENGLISH);
          throw new IllegalArgumentException("the new passphrase is too easy to guess (about 10^"
              + (int) Math.floor(guessesLog10) + " guesses, at least 10^" + MIN_GUESSES_LOG10 + " are needed"
              + (warning == null || warning.isEmpty() ? "" : ": " + warning)
              + "); use four or more random words, or pass --allow-weak-passphrase");
        }
      } finally {
        strength.wipe();
      }
    } finally {
      Wipe.chars(chars);
    }
  }

  private static char[] decodeStrictly(byte[] utf8) {
    try {
      CharBuffer decoded = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8));
      char[] chars = new char[decoded.remaining()];
      decoded.get(chars);
      Wipe.chars(decoded.array());
      return chars;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the new passphrase is not valid UTF-8");
    }
  }
}
