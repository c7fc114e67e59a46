package dev.sesame.cli;

import dev.sesame.crypto.Wipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Secrets read from standard input, one per line, in the order the command documents (for
 * example: unlock passphrase, then new passphrase, then the secret). A final line needs no
 * newline; a trailing "\r" is dropped so files edited on Windows work. Every line must be UTF-8.
 */
final class Stdin {
  private static final int MAX_LINE = 64 * 1024;
  private final InputStream in;
  private boolean exhausted;

  Stdin(InputStream in) {
    this.in = in;
  }

  /** The next line as UTF-8 bytes (the caller wipes it), or an error naming WHAT if none is left. */
  byte[] nextLine(String what) throws UserError {
    if (exhausted) {
      throw new UserError(ExitCode.USAGE, what + " expected on standard input, but it ended");
    }
    byte[] buffer = new byte[256];
    int length = 0;
    try {
      while (true) {
        int next = in.read();
        if (next == -1) {
          exhausted = true;
          if (length == 0) {
            throw new UserError(ExitCode.USAGE, what + " expected on standard input, but it was empty");
          }
          break;
        }
        if (next == '\n') {
          break;
        }
        if (length == buffer.length) {
          if (length >= MAX_LINE) {
            throw new UserError(ExitCode.USAGE, what + " on standard input is too long");
          }
          byte[] larger = Arrays.copyOf(buffer, length * 2);
          Wipe.bytes(buffer);
          buffer = larger;
        }
        buffer[length++] = (byte) next;
      }
    } catch (IOException e) {
      throw new UserError(ExitCode.ERROR, "cannot read " + what + " from standard input: " + e.getMessage());
    }
    if (length > 0 && buffer[length - 1] == '\r') {
      length--;
    }
    byte[] line = Arrays.copyOf(buffer, length);
    Wipe.bytes(buffer);
    if (line.length == 0) {
      throw new UserError(ExitCode.USAGE, what + " on standard input is empty");
    }
    if (!isUtf8(line)) {
      Wipe.bytes(line);
      throw new UserError(ExitCode.USAGE, what + " on standard input is not valid UTF-8;"
          + " save it as UTF-8 (iconv -t UTF-8) and try again");
    }
    return line;
  }

  /**
   * The next line as text; strict UTF-8, so a byte that is not UTF-8 is refused rather than
   * replaced by U+FFFD (which would change the secret, and everything derived from it).
   */
  String nextText(String what) throws UserError {
    byte[] line = nextLine(what);
    try {
      return new String(line, StandardCharsets.UTF_8);
    } finally {
      Wipe.bytes(line);
    }
  }

  static boolean isUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Decoded into a buffer of our own, so the text of a secret can be wiped afterwards.
    CharBuffer text = CharBuffer.allocate(bytes.length);
    try {
      return !decoder.decode(ByteBuffer.wrap(bytes), text, true).isError() && !decoder.flush(text).isError();
    } finally {
      Wipe.chars(text.array());
    }
  }
}
