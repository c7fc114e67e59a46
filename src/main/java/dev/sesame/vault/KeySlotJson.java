package dev.sesame.vault;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One key slot as JSON, the structure the vault file's {@code key_slots} and a sealed store
 * value's {@code key_slots} share: {@code {"id", "type", "params": {...}, "wrapped_key"}}, params
 * in sorted order, wrapped_key standard base64. Reading is strict (unknown, missing or mistyped
 * fields, params out of order and non-canonical base64 are refused); each format words the
 * refusal its own way through DAMAGED.
 */
final class KeySlotJson {
  private KeySlotJson() {}

  static void write(JsonGenerator json, KeySlot slot) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", slot.id());
    json.writeStringField("type", slot.type());
    json.writeObjectFieldStart("params");
    for (Map.Entry<String, String> param : slot.params().entrySet()) {
      json.writeStringField(param.getKey(), param.getValue());
    }
    json.writeEndObject();
    json.writeStringField("wrapped_key", Base64.getEncoder().encodeToString(slot.wrappedKey()));
    json.writeEndObject();
  }

  /**
   * Reads the slot whose START_OBJECT is the parser's current token, up to its END_OBJECT.
   * DAMAGED turns a detail ("a key slot lacks id, ...") into the format's Corrupt exception.
   */
  static KeySlot read(JsonParser json, Function<String, VaultException.Corrupt> damaged)
      throws IOException, VaultException.Corrupt {
    String id = null;
    String type = null;
    Map<String, String> params = null;
    byte[] wrapped = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "id" -> id = text(json, "key slot id", damaged);
        case "type" -> type = text(json, "key slot type", damaged);
        case "params" -> params = readStringMap(json, "key slot params", damaged);
        case "wrapped_key" -> wrapped = base64(text(json, "wrapped_key", damaged), "wrapped_key", damaged);
        default -> throw damaged.apply("unknown key slot field '" + field + "'");
      }
    }
    if (json.currentToken() != JsonToken.END_OBJECT) {
      throw damaged.apply("key slot is malformed");
    }
    if (id == null || type == null || params == null || wrapped == null) {
      throw damaged.apply("a key slot lacks id, type, params or wrapped_key");
    }
    return new KeySlot(id, type, params, wrapped);
  }

  /** A flat object of strings, keys in sorted order (written so; one canonical spelling). */
  static TreeMap<String, String> readStringMap(JsonParser json, String what,
      Function<String, VaultException.Corrupt> damaged) throws IOException, VaultException.Corrupt {
    if (json.currentToken() != JsonToken.START_OBJECT) {
      throw damaged.apply(what + " is malformed");
    }
    TreeMap<String, String> map = new TreeMap<>();
    String previous = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      if (previous != null && previous.compareTo(name) >= 0) {
        throw damaged.apply(what + " are not in canonical order");
      }
      previous = name;
      json.nextToken();
      map.put(name, text(json, what + " " + name, damaged));
    }
    return map;
  }

  static String text(JsonParser json, String what, Function<String, VaultException.Corrupt> damaged)
      throws VaultException.Corrupt, IOException {
    if (json.currentToken() != JsonToken.VALUE_STRING) {
      throw damaged.apply(what + " is not a string");
    }
    return json.getText();
  }

  /**
   * Standard base64 that re-encodes to the same text: a changed padding bit or a stray character
   * is tampering, not a harmless variation.
   */
  static byte[] base64(String text, String what, Function<String, VaultException.Corrupt> damaged)
      throws VaultException.Corrupt {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw damaged.apply(what + " is not valid base64");
    }
    if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
      throw damaged.apply(what + " is not canonical base64");
    }
    return decoded;
  }
}
