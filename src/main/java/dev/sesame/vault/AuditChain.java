package dev.sesame.vault;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sesame.crypto.Sha256;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Verifies the hash chain of an {@link AuditLog}: line 1 carries "prev" = SHA-256 of nothing, and
 * every later line the SHA-256 of the exact bytes of the line before it (without its newline).
 * The first link that does not hold is reported with its line number; an edited, deleted,
 * inserted or reordered line breaks the link just after it (or the start of the chain).
 *
 * <p>What a chain cannot show on its own: edits to, or removal of, lines at the end of the log,
 * since nothing after them vouches for them. Keep the head hash ({@link Report#headHash()})
 * somewhere the log's writer cannot change (a ticket, a CI log, a SIEM), and verify with it as
 * {@code expectedHead}: the log must still contain that line, unchanged, with an intact chain up
 * to it.
 */
public final class AuditChain {
  private static final HexFormat HEX = HexFormat.of();

  private AuditChain() {}

  /** The outcome: how many lines were checked, the head hash, and the first break if any. */
  public record Report(int lines, String headHash, Optional<Break> firstBreak) {
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /** The first link that does not hold: the 1-based line that fails to vouch for its predecessor. */
  public record Break(int line, String reason) {}

  /**
   * Checks FILE's chain; with EXPECTED_HEAD (hex SHA-256 of a line, as an earlier report gave it),
   * also checks that line is still present.
   *
   * @throws VaultException.NotFound when there is no audit log at FILE
   */
  public static Report verify(Path file, Optional<String> expectedHead) throws VaultException {
    byte[] content;
    try {
      content = RegularFiles.read(file, "audit log", AuditLog.MAX_LOG_BYTES);
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound("no audit log at " + file);
    } catch (IOException e) {
      throw new VaultException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
    byte[] previous = new byte[0];
    boolean headSeen = expectedHead.isEmpty();
    int lineNumber = 0;
    int start = 0;
    while (start < content.length) {
      int end = indexOf(content, (byte) '\n', start);
      if (end < 0) {
        return broken(lineNumber + 1, previous, "line " + (lineNumber + 1) + " is cut short (no newline): "
            + "the log was truncated or a write was interrupted");
      }
      byte[] line = Arrays.copyOfRange(content, start, end);
      lineNumber++;
      Optional<String> prev = prevOf(line);
      if (prev.isEmpty()) {
        return broken(lineNumber, previous, "line " + lineNumber + " is not an audit record with a \"prev\" hash");
      }
      String expected = HEX.formatHex(Sha256.hash(previous));
      if (!prev.get().equals(expected)) {
        String reason = lineNumber == 1
            ? "line 1 does not start the chain: lines were removed from the start, or line 1 was replaced"
            : "line " + lineNumber + " does not follow line " + (lineNumber - 1) + ": a line at or just before "
                + "line " + lineNumber + " was edited, deleted, inserted or moved";
        return broken(lineNumber, previous, reason);
      }
      previous = line;
      if (!headSeen && HEX.formatHex(Sha256.hash(line)).equals(expectedHead.get().toLowerCase())) {
        headSeen = true;
      }
      start = end + 1;
    }
    if (!headSeen) {
      return broken(lineNumber + 1, previous, "the recorded head " + expectedHead.get()
          + " is not in the log: lines at or before it were edited or removed from the end");
    }
    return new Report(lineNumber, HEX.formatHex(Sha256.hash(previous)), Optional.empty());
  }

  private static Report broken(int line, byte[] lastGood, String reason) {
    return new Report(line - 1, HEX.formatHex(Sha256.hash(lastGood)), Optional.of(new Break(line, reason)));
  }

  /** The "prev" field of a JSON object line; empty when the line is not such an object. */
  private static Optional<String> prevOf(byte[] line) {
    try (JsonParser json = VaultCodec.JSON.createParser(line)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      String prev = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (field.equals("prev") && value == JsonToken.VALUE_STRING) {
          prev = json.getText();
        } else {
          json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        return Optional.empty();
      }
      return Optional.ofNullable(prev);
    } catch (IOException notJson) {
      return Optional.empty();
    }
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
