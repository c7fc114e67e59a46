package dev.sesame.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Values printed to a terminal with their control characters escaped: a stored value holding
 * ESC could otherwise drive the terminal (move the cursor, retitle the window, hide text), and
 * one holding CR could overwrite what is shown. Only a terminal gets the escaped form; a pipe or
 * a file gets the exact bytes, because a pipeline needs the value, not a picture of it.
 */
final class TerminalText {
  private TerminalText() {}

  /** VALUE as it should be printed on INVOCATION's standard output. */
  static String forStdout(Invocation invocation, String value) {
    if (!hasControl(value) || !invocation.stdoutIsTerminal()) {
      return value;
    }
    if (invocation.firstControlCharacterNote()) {
      invocation.err().println("sesame: the value holds control characters, shown here as \\xNN;"
          + " redirect or pipe the output to get the exact bytes");
    }
    return escape(value);
  }

  static boolean hasControl(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (isControl(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** C0 controls, DEL and C1 controls (U+0080..U+009F, which some terminals obey) as \xNN or \\u00NN. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isControl(c)) {
        out.append(c);
      } else if (c < 0x80) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
  }

  /**
   * Java 17 has no isatty for one stream (System.console() needs stdin to be a terminal too, so
   * `echo pw | sesame get` would look like a pipe). On Linux, /proc/self/fd/1 leads to stdout's
   * file: a terminal is a character device (so is /dev/null, where escaping is harmless).
   */
  static boolean stdoutIsTerminal() {
    try {
      int mode = (Integer) Files.getAttribute(Path.of("/proc/self/fd/1"), "unix:mode");
      return (mode & 0170000) == 0020000;
    } catch (Exception noProc) {
      return System.console() != null;
    }
  }
}
