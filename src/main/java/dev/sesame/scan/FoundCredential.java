package dev.sesame.scan;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A credential found in a file, with what `import` needs: the secret itself and the SMTP host,
 * port and Region found nearest to it. {@code toString()} never shows the secret; nothing that
 * prints findings takes this type ({@link ScanFinding} carries no secret).
 *
 * @param line 1-based line of the secret
 * @param accessKeyId the access key id paired with it, or "" when none was near
 */
public record FoundCredential(int line, Kind kind, String accessKeyId, String secret, Optional<String> host,
    OptionalInt port, Optional<String> region) {
  @Override
  public String toString() {
    return "FoundCredential[line " + line + ", " + kind.wireName() + ", " + accessKeyId + ", REDACTED]";
  }
}
