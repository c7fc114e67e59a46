package dev.sesame.vault;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The plaintext inside a sealed version: a flat JSON object of the type's fields, e.g.
 * {"smtp_host":"...","smtp_port":"587",...}. All values are strings.
 */
final class CredentialCodec {
  private CredentialCodec() {}

  static byte[] encode(Credential credential) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = VaultCodec.JSON.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, String> field : credential.fields().entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }

  /** Decodes an authenticated plaintext; a mismatch here means a bug or a forged key, not noise. */
  static Credential decode(EntryType type, byte[] plaintext) throws VaultException.Corrupt {
    Map<String, String> values = new HashMap<>();
    try (JsonParser json = VaultCodec.JSON.createParser(plaintext)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new VaultException.Corrupt("sealed entry body is not an object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        if (json.nextToken() != JsonToken.VALUE_STRING) {
          throw new VaultException.Corrupt("sealed entry field " + field + " is not a string");
        }
        values.put(field, json.getText());
      }
      return Credential.of(type, values);
    } catch (IOException | IllegalArgumentException e) {
      throw new VaultException.Corrupt("sealed entry body is malformed");
    }
  }
}
