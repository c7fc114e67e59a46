package dev.sesame.cli;

import dev.sesame.crypto.Wipe;
import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** Reads passphrases from stdin, a file, or a no-echo terminal prompt; never from arguments. */
final class Passphrases {
  /** As a line on standard input (Stdin). */
  private static final int MAX_FILE_BYTES = 64 * 1024;

  private Passphrases() {}

  /**
   * A passphrase as UTF-8 bytes, or empty when none was asked for and no terminal can prompt.
   * With CONFIRM, a prompt asks twice.
   */
  static Optional<byte[]> read(Stdin stdin, boolean fromStdin, Path file, String prompt, boolean confirm)
      throws UserError {
    if (fromStdin) {
      return Optional.of(stdin.nextLine("passphrase"));
    }
    if (file != null) {
      return Optional.of(firstLine(file));
    }
    java.io.Console terminal = System.console();
    if (terminal == null) {
      return Optional.empty();
    }
    char[] first = terminal.readPassword("%s", prompt);
    if (first == null || first.length == 0) {
      throw new UserError(ExitCode.USAGE, "no passphrase entered");
    }
    if (confirm) {
      char[] again = terminal.readPassword("%s", "Repeat: ");
      boolean same = Arrays.equals(first, again);
      Wipe.chars(again);
      if (!same) {
        Wipe.chars(first);
        throw new UserError(ExitCode.USAGE, "the passphrases differ");
      }
    }
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(first));
    byte[] bytes = Arrays.copyOf(encoded.array(), encoded.limit());
    Wipe.bytes(encoded.array());
    Wipe.chars(first);
    return Optional.of(bytes);
  }

  private static byte[] firstLine(Path file) throws UserError {
    byte[] content;
    try {
      content = RegularFiles.read(file, "passphrase file", MAX_FILE_BYTES, true,
          RegularFiles.ownerOnly(file, "passphrase file"));
    } catch (NoSuchFileException e) {
      throw new UserError(ExitCode.NOT_FOUND, "--passphrase-file: " + file + " does not exist");
    } catch (FileRefusedException e) {
      String hint = e.reason() == FileRefusedException.Reason.NOT_REGULAR
          || e.reason() == FileRefusedException.Reason.TIMED_OUT ? "; to pipe a passphrase, use --passphrase-stdin" : "";
      throw new UserError(ExitCode.ERROR, e.getMessage() + hint);
    } catch (IOException e) {
      String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied" : "read error";
      throw new UserError(ExitCode.ERROR, "--passphrase-file: cannot read " + file + " (" + why + ")");
    }
    int end = 0;
    while (end < content.length && content[end] != '\n') {
      end++;
    }
    if (end > 0 && content[end - 1] == '\r') {
      end--;
    }
    byte[] line = Arrays.copyOf(content, end);
    Wipe.bytes(content);
    if (line.length == 0) {
      throw new UserError(ExitCode.USAGE, "passphrase file " + file + " is empty");
    }
    return line;
  }
}
