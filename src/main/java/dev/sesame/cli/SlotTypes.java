package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sesame.files.RegularFiles;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The slot types a vault file names ("key_slots"[].type, docs/vault-format.md), read without a
 * key and without the AWS SDK, so the CLI can decide whether AWS key sources are worth loading.
 * Nothing here is trusted: the vault itself authenticates every slot once opened, and a file this
 * reader cannot make sense of simply yields no types (opening it then reports the damage).
 */
final class SlotTypes {
  private SlotTypes() {}

  /** True when TYPES include a slot that an AWS key source opens. */
  static boolean anyAws(Set<String> types) {
    return types.contains("aws-kms") || types.contains("aws-secretsmanager");
  }

  static Set<String> of(Path vault) {
    Set<String> types = new TreeSet<>();
    try (JsonParser json = new JsonFactory().createParser(
        RegularFiles.readNoFollow(VaultPaths.real(vault), "vault", Vault.MAX_FILE_BYTES))) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return types;
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (field.equals("key_slots") && value == JsonToken.START_ARRAY) {
          while (json.nextToken() == JsonToken.START_OBJECT) {
            while (json.nextToken() == JsonToken.FIELD_NAME) {
              String slotField = json.currentName();
              json.nextToken();
              if (slotField.equals("type") && json.currentToken() == JsonToken.VALUE_STRING) {
                types.add(json.getText());
              } else {
                json.skipChildren();
              }
            }
          }
          return types;
        }
        json.skipChildren();
      }
    } catch (IOException | RuntimeException unreadable) {
      // Vault.open reports a missing or damaged file with its own exit code.
    }
    return types;
  }
}
