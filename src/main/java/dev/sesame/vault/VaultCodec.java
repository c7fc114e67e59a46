package dev.sesame.vault;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes the vault file (docs/vault-format.md) with Jackson's streaming API, which
 * starts much faster than databind. Reading is strict: unknown, missing or duplicate fields,
 * wrong types and non-canonical values are refused, and the file must be exactly what the
 * writer would write for the same content, whitespace aside, so a byte changed anywhere either
 * breaks parsing, breaks the MAC, or touched only insignificant whitespace.
 */
final class VaultCodec {
  static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private VaultCodec() {}

  static byte[] write(VaultDocument doc) {
    return write(doc, true);
  }

  /** PRETTY: indented as the file is written; otherwise without any whitespace (for comparison). */
  private static byte[] write(VaultDocument doc, boolean pretty) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      if (pretty) {
        json.setPrettyPrinter(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));
      }
      json.writeStartObject();
      json.writeStringField("format", VaultDocument.FORMAT);
      json.writeStringField("vault_id", doc.vaultId);
      json.writeNumberField("max_versions", doc.maxVersions);
      json.writeArrayFieldStart("key_slots");
      for (KeySlot slot : doc.slots) {
        KeySlotJson.write(json, slot);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("entries");
      for (Map.Entry<String, List<StoredVersion>> entry : doc.entries.entrySet()) {
        json.writeStartObject();
        json.writeStringField("name", entry.getKey());
        json.writeArrayFieldStart("versions");
        for (StoredVersion version : entry.getValue()) {
          json.writeStartObject();
          json.writeNumberField("version", version.version());
          json.writeStringField("type", version.type().wireName());
          json.writeStringField("created_at", Timestamps.format(version.createdAt()));
          json.writeArrayFieldStart("labels");
          for (Label label : version.orderedLabels()) {
            json.writeString(label.wireName());
          }
          json.writeEndArray();
          json.writeStringField("sealed", Codec.base64(version.sealed()));
          json.writeEndObject();
        }
        json.writeEndArray();
        Map<String, String> state = doc.states.get(entry.getKey());
        if (state != null && !state.isEmpty()) {
          json.writeObjectFieldStart("state");
          for (Map.Entry<String, String> item : state.entrySet()) {
            json.writeStringField(item.getKey(), item.getValue());
          }
          json.writeEndObject();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeStringField("mac", Codec.base64(doc.mac));
      json.writeEndObject();
      if (pretty) {
        json.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }

  static VaultDocument read(byte[] bytes) throws VaultException.Corrupt {
    VaultDocument doc;
    try (JsonParser json = JSON.createParser(bytes)) {
      doc = readDocument(json);
      if (json.nextToken() != null) {
        throw corrupt("content after the end of the vault object");
      }
    } catch (IOException e) {
      throw new VaultException.Corrupt("vault file is damaged or not a vault (invalid JSON)", e);
    }
    if (!sameBarringWhitespace(bytes, write(doc, false))) {
      throw corrupt("not in canonical form (fields out of order, escaped characters, a byte-order mark"
          + " or another encoding)");
    }
    return doc;
  }

  /**
   * True when INPUT is CANONICAL (written without whitespace) once JSON's insignificant whitespace
   * (space, tab, CR, LF outside strings) is dropped. This is what makes the reader canonical:
   * the parser above accepts what JSON allows (fields in any order, a UTF-8 byte-order mark,
   * UTF-16, "\u0041" for "A"), and this comparison with the one spelling the writer produces
   * refuses all of it, whatever the parser let through.
   */
  static boolean sameBarringWhitespace(byte[] input, byte[] canonical) {
    int at = 0;
    boolean inString = false;
    for (int i = 0; i < input.length; i++) {
      byte b = input[i];
      if (!inString && (b == ' ' || b == '\t' || b == '\n' || b == '\r')) {
        continue;
      }
      if (at >= canonical.length || canonical[at++] != b) {
        return false;
      }
      if (b == '"') {
        inString = !inString;
      } else if (b == '\\' && inString) {
        // The escaped byte is compared as it is, and never ends the string.
        i++;
        if (i >= input.length || at >= canonical.length || canonical[at++] != input[i]) {
          return false;
        }
      }
    }
    return at == canonical.length;
  }

  private static VaultDocument readDocument(JsonParser json) throws IOException, VaultException.Corrupt {
    expect(json.nextToken(), JsonToken.START_OBJECT, "the vault");
    Map<String, Object> fields = new LinkedHashMap<>();
    Map<String, TreeMap<String, String>> states = new TreeMap<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "format" -> {
          String format = text(json, "format");
          if (!VaultDocument.FORMAT.equals(format)) {
            throw corrupt("unsupported format (expected " + VaultDocument.FORMAT + ")");
          }
          fields.put(field, format);
        }
        case "vault_id" -> fields.put(field, vaultId(text(json, "vault_id")));
        case "max_versions" -> fields.put(field, integer(json, "max_versions", 3, 1000));
        case "key_slots" -> fields.put(field, readSlots(json));
        case "entries" -> fields.put(field, readEntries(json, states));
        case "mac" -> fields.put(field, Codec.base64(text(json, "mac"), "mac"));
        default -> throw corrupt("unknown field '" + field + "'");
      }
    }
    for (String required : List.of("format", "vault_id", "max_versions", "key_slots", "entries", "mac")) {
      if (!fields.containsKey(required)) {
        throw corrupt("field '" + required + "' is missing");
      }
    }
    @SuppressWarnings("unchecked")
    List<KeySlot> slots = (List<KeySlot>) fields.get("key_slots");
    @SuppressWarnings("unchecked")
    Map<String, List<StoredVersion>> entries = (Map<String, List<StoredVersion>>) fields.get("entries");
    VaultDocument doc = new VaultDocument((String) fields.get("vault_id"), (Integer) fields.get("max_versions"),
        slots, entries, (byte[]) fields.get("mac"));
    doc.states.putAll(states);
    return doc;
  }

  private static List<KeySlot> readSlots(JsonParser json) throws IOException, VaultException.Corrupt {
    expect(json.currentToken(), JsonToken.START_ARRAY, "key_slots");
    List<KeySlot> slots = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    while (json.nextToken() == JsonToken.START_OBJECT) {
      KeySlot slot = KeySlotJson.read(json, VaultCodec::corrupt);
      if (!ids.add(slot.id())) {
        throw corrupt("key slot " + slot.id() + " appears twice");
      }
      slots.add(slot);
    }
    expect(json.currentToken(), JsonToken.END_ARRAY, "key_slots");
    if (slots.isEmpty()) {
      throw corrupt("the vault has no key slot");
    }
    return slots;
  }

  /** A flat object of strings, keys in sorted order (written so; one canonical spelling). */
  private static TreeMap<String, String> readStringMap(JsonParser json, String what)
      throws IOException, VaultException.Corrupt {
    return KeySlotJson.readStringMap(json, what, VaultCodec::corrupt);
  }

  private static Map<String, List<StoredVersion>> readEntries(JsonParser json,
      Map<String, TreeMap<String, String>> states) throws IOException, VaultException.Corrupt {
    expect(json.currentToken(), JsonToken.START_ARRAY, "entries");
    Map<String, List<StoredVersion>> entries = new TreeMap<>();
    String previousName = null;
    while (json.nextToken() == JsonToken.START_OBJECT) {
      String name = null;
      List<StoredVersion> versions = null;
      TreeMap<String, String> state = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        json.nextToken();
        switch (field) {
          case "name" -> name = EntryNames.checkStored(text(json, "entry name"));
          case "versions" -> versions = readVersions(json);
          case "state" -> {
            state = readStringMap(json, "entry state");
            // Absent means empty: an empty object would be a second spelling of the same vault.
            if (state.isEmpty()) {
              throw corrupt("entry state is empty");
            }
          }
          default -> throw corrupt("unknown entry field '" + field + "'");
        }
      }
      if (name == null || versions == null) {
        throw corrupt("an entry lacks name or versions");
      }
      if (previousName != null && previousName.compareTo(name) >= 0) {
        throw corrupt("entries are not in canonical order");
      }
      previousName = name;
      entries.put(name, versions);
      if (state != null) {
        states.put(name, state);
      }
    }
    expect(json.currentToken(), JsonToken.END_ARRAY, "entries");
    return entries;
  }

  private static List<StoredVersion> readVersions(JsonParser json) throws IOException, VaultException.Corrupt {
    expect(json.currentToken(), JsonToken.START_ARRAY, "versions");
    List<StoredVersion> versions = new ArrayList<>();
    while (json.nextToken() == JsonToken.START_OBJECT) {
      Integer number = null;
      EntryType type = null;
      Instant createdAt = null;
      Set<Label> labels = null;
      byte[] sealed = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        json.nextToken();
        switch (field) {
          case "version" -> number = integer(json, "version", 1, Integer.MAX_VALUE);
          case "type" -> type = entryType(text(json, "type"));
          case "created_at" -> createdAt = instant(text(json, "created_at"));
          case "labels" -> labels = readLabels(json);
          case "sealed" -> sealed = Codec.base64(text(json, "sealed"), "sealed");
          default -> throw corrupt("unknown version field '" + field + "'");
        }
      }
      if (number == null || type == null || createdAt == null || labels == null || sealed == null) {
        throw corrupt("a version lacks version, type, created_at, labels or sealed");
      }
      if (!versions.isEmpty() && versions.get(versions.size() - 1).version() >= number) {
        throw corrupt("versions are not in ascending order");
      }
      versions.add(new StoredVersion(number, type, createdAt, labels, sealed));
    }
    expect(json.currentToken(), JsonToken.END_ARRAY, "versions");
    if (versions.isEmpty()) {
      throw corrupt("an entry has no versions");
    }
    return versions;
  }

  private static Set<Label> readLabels(JsonParser json) throws IOException, VaultException.Corrupt {
    expect(json.currentToken(), JsonToken.START_ARRAY, "labels");
    EnumSet<Label> labels = EnumSet.noneOf(Label.class);
    Label previous = null;
    while (json.nextToken() == JsonToken.VALUE_STRING) {
      Label label;
      try {
        label = Label.parse(json.getText());
      } catch (IllegalArgumentException e) {
        throw corrupt("unknown label");
      }
      if (previous != null && previous.compareTo(label) >= 0) {
        throw corrupt("labels are repeated or not in canonical order");
      }
      previous = label;
      labels.add(label);
    }
    expect(json.currentToken(), JsonToken.END_ARRAY, "labels");
    return labels;
  }

  private static String vaultId(String text) throws VaultException.Corrupt {
    // By hand, not String.matches: the regex engine's start-up is a few ms of every `get`.
    boolean lowerHex = text.length() == 32;
    for (int i = 0; lowerHex && i < text.length(); i++) {
      char c = text.charAt(i);
      lowerHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!lowerHex) {
      throw corrupt("vault_id is not 32 lower-case hex digits");
    }
    return text;
  }

  private static EntryType entryType(String text) throws VaultException.Corrupt {
    try {
      return EntryType.parse(text);
    } catch (IllegalArgumentException e) {
      throw corrupt("unknown entry type");
    }
  }

  private static Instant instant(String text) throws VaultException.Corrupt {
    Instant canonical = Timestamps.parseCanonical(text);
    if (canonical != null) {
      return canonical;
    }
    try {
      Instant instant = Instant.parse(text);
      if (!instant.toString().equals(text)) {
        throw corrupt("created_at is not in canonical form");
      }
      return instant;
    } catch (DateTimeParseException e) {
      throw corrupt("created_at is not a timestamp");
    }
  }

  private static String text(JsonParser json, String what) throws IOException, VaultException.Corrupt {
    if (json.currentToken() != JsonToken.VALUE_STRING) {
      throw corrupt(what + " is not a string");
    }
    return json.getText();
  }

  private static int integer(JsonParser json, String what, int min, int max)
      throws IOException, VaultException.Corrupt {
    if (json.currentToken() != JsonToken.VALUE_NUMBER_INT
        || json.getNumberType() != JsonParser.NumberType.INT) {
      throw corrupt(what + " is not an integer");
    }
    int value = json.getIntValue();
    if (value < min || value > max) {
      throw corrupt(what + " is out of range");
    }
    return value;
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) throws VaultException.Corrupt {
    if (actual != expected) {
      throw corrupt(what + " is malformed");
    }
  }

  private static VaultException.Corrupt corrupt(String detail) {
    return new VaultException.Corrupt("vault file is damaged: " + detail);
  }
}
