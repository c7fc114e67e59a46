package dev.sesame.vault;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sesame.crypto.Aead;
import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Sha256;
import dev.sesame.crypto.Wipe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The value of one version in the shared Secrets Manager store (docs/runbooks/fleet.md): JSON,
 * {@code "format": "sesame-sm/2"}, either <em>sealed</em> (the fields encrypted with AES-256-GCM
 * under a fresh per-version data key, which key sources wrap into {@code key_slots} written and
 * read exactly as the vault file's slots, {@link KeySlotJson}) or <em>plain</em> (the fields as
 * JSON, protected only by Secrets Manager's own encryption and IAM). The associated data binds a
 * sealed value to its secret name and version id, so a value copied to another entry or version
 * does not open. Pure bytes: the SDK calls that store and fetch a value are
 * {@code dev.sesame.aws.SecretsManagerStore}'s.
 */
public final class StoreValueCodec {
  /** What every new version is written in. */
  public static final String FORMAT = "sesame-sm/2";
  /**
   * The first format, still read: its slots shared the vault's labels (associated data, HKDF info,
   * KMS context key {@code sesame-vault}) and a vault_id-shaped wrap id. Rewritten at the next put
   * or rotation.
   */
  public static final String LEGACY_FORMAT = "sesame-sm/1";
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private StoreValueCodec() {}

  /** One decoded version: its credential, created_at, and key slots (none when plain). */
  public record Value(Credential credential, Instant createdAt, List<KeySlot> slots) {
    public Value {
      slots = List.copyOf(slots);
    }
  }

  /** Makes one key slot for a version's data key, bound to the version's wrap id. */
  @FunctionalInterface
  public interface SlotMaker {
    KeySlot make(String wrapId, byte[] dataKey) throws VaultException;
  }

  public static String encode(String secretName, String versionId, Credential credential, Instant createdAt,
      List<SlotMaker> sealWith) throws VaultException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("format", FORMAT);
      json.writeStringField("type", credential.type().wireName());
      json.writeStringField("created_at", createdAt.toString());
      if (sealWith.isEmpty()) {
        json.writeObjectFieldStart("fields");
        for (Map.Entry<String, String> field : credential.fields().entrySet()) {
          json.writeStringField(field.getKey(), field.getValue());
        }
        json.writeEndObject();
      } else {
        byte[] dataKey = Randomness.bytes(Aead.KEY_BYTES);
        byte[] body = fieldsJson(credential);
        Aead aead = Aead.create(dataKey);
        try {
          String wrapId = wrapId(FORMAT, secretName, versionId);
          json.writeArrayFieldStart("key_slots");
          for (SlotMaker maker : sealWith) {
            KeySlotJson.write(json, maker.make(wrapId, dataKey));
          }
          json.writeEndArray();
          byte[] sealed = aead.encrypt(body, associatedData(FORMAT, secretName, versionId,
              credential.type().wireName(), createdAt.toString()));
          json.writeStringField("sealed", Base64.getEncoder().encodeToString(sealed));
        } finally {
          aead.destroy();
          Wipe.bytes(dataKey, body);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Reads TEXT, the value of version VERSION_ID of secret SECRET_NAME, opening a sealed value with
   * the first of OPENERS that unwraps one of its slots.
   *
   * @throws VaultException.WrongKey when no opener opens a sealed value
   * @throws VaultException.Corrupt when the value is not a Sesame value or fails authentication
   */
  public static Value decode(String secretName, String versionId, String text, List<KeySource> openers)
      throws VaultException {
    String format = null;
    String type = null;
    String createdAt = null;
    Map<String, String> fields = null;
    List<KeySlot> slots = null;
    String sealed = null;
    try (JsonParser json = JSON.createParser(text)) {
      expect(json.nextToken() == JsonToken.START_OBJECT, secretName);
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken token = json.nextToken();
        switch (field) {
          case "format" -> format = string(json, secretName);
          case "type" -> type = string(json, secretName);
          case "created_at" -> createdAt = string(json, secretName);
          case "fields" -> fields = readStrings(json, secretName);
          case "sealed" -> sealed = string(json, secretName);
          case "key_slots" -> {
            expect(token == JsonToken.START_ARRAY, secretName);
            slots = new ArrayList<>();
            while (json.nextToken() == JsonToken.START_OBJECT) {
              slots.add(KeySlotJson.read(json, detail -> new VaultException.Corrupt("secret " + secretName
                  + " has a malformed key slot: " + detail)));
            }
            expect(json.currentToken() == JsonToken.END_ARRAY, secretName);
          }
          default -> throw new VaultException.Corrupt("secret " + secretName + " has an unknown field " + field);
        }
      }
      expect(json.currentToken() == JsonToken.END_OBJECT && json.nextToken() == null, secretName);
    } catch (IOException e) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a Sesame value (not JSON)");
    }
    if (!(FORMAT.equals(format) || LEGACY_FORMAT.equals(format)) || type == null || createdAt == null
        || (fields == null) == (sealed == null) || (sealed != null && (slots == null || slots.isEmpty()))
        || (fields != null && slots != null)) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a " + FORMAT + " value");
    }
    EntryType entryType;
    Instant created;
    try {
      entryType = EntryType.parse(type);
      created = Instant.parse(createdAt);
    } catch (RuntimeException e) {
      throw new VaultException.Corrupt("secret " + secretName + " has a malformed type or created_at");
    }
    if (!created.toString().equals(createdAt)) {
      throw new VaultException.Corrupt("secret " + secretName + " has a created_at not in canonical form");
    }
    if (sealed != null) {
      fields = unseal(format, secretName, versionId, type, createdAt, slots, base64(sealed, secretName), openers);
    }
    try {
      return new Value(Credential.of(entryType, fields), created, slots == null ? List.of() : slots);
    } catch (IllegalArgumentException e) {
      throw new VaultException.Corrupt("secret " + secretName + ": " + e.getMessage());
    }
  }

  private static Map<String, String> unseal(String format, String secretName, String versionId, String type,
      String createdAt, List<KeySlot> slots, byte[] sealed, List<KeySource> openers) throws VaultException {
    String wrapId = wrapId(format, secretName, versionId);
    for (KeySource opener : openers) {
      for (KeySlot slot : slots) {
        if (!slot.type().equals(opener.type())) {
          continue;
        }
        Optional<byte[]> dataKey = opener.unwrap(wrapId, slot);
        if (dataKey.isEmpty()) {
          continue;
        }
        Aead aead = Aead.create(dataKey.get());
        byte[] body = null;
        try {
          body = aead.decrypt(sealed, associatedData(format, secretName, versionId, type, createdAt));
          return readFields(body, secretName);
        } catch (GeneralSecurityException e) {
          throw new VaultException.Corrupt("secret " + secretName + " version " + versionId
              + " failed authentication: it was altered, or copied from another entry or version");
        } finally {
          aead.destroy();
          Wipe.bytes(dataKey.get());
          if (body != null) {
            Wipe.bytes(body);
          }
        }
      }
    }
    String offered = String.join(" / ", openers.stream().map(KeySource::describe).toList());
    throw new VaultException.WrongKey("wrong key: " + (offered.isEmpty() ? "no key source" : offered)
        + " does not open secret " + secretName);
  }

  /**
   * The id key sources bind a per-version data key to (KMS encryption context, HKDF salt):
   * {@code sm2-} + 32 hex for FORMAT, which a vault id (32 hex) can never be, so the slot's labels
   * are the store's own ({@link WrapDomain#STORE}); the legacy format's was vault_id-shaped.
   */
  static String wrapId(String format, String secretName, String versionId) {
    byte[] digest = Sha256.hash((format + "\0" + secretName + "\0" + versionId).getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(digest, 0, 16);
    return FORMAT.equals(format) ? WrapDomain.STORE_ID_PREFIX + hex : hex;
  }

  static byte[] associatedData(String format, String secretName, String versionId, String type, String createdAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String field : List.of(format + " entry", secretName, versionId, type, createdAt)) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] fieldsJson(Credential credential) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, String> field : credential.fields().entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  private static Map<String, String> readFields(byte[] body, String secretName) throws VaultException {
    try (JsonParser json = JSON.createParser(body)) {
      expect(json.nextToken() == JsonToken.START_OBJECT, secretName);
      return readStrings(json, secretName);
    } catch (IOException e) {
      throw new VaultException.Corrupt("secret " + secretName + " has a malformed sealed body");
    }
  }

  private static Map<String, String> readStrings(JsonParser json, String secretName) throws IOException, VaultException {
    expect(json.currentToken() == JsonToken.START_OBJECT, secretName);
    Map<String, String> values = new LinkedHashMap<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      expect(json.nextToken() == JsonToken.VALUE_STRING, secretName);
      values.put(name, json.getText());
    }
    expect(json.currentToken() == JsonToken.END_OBJECT, secretName);
    return values;
  }

  /** The current token as a string: any other JSON type is refused, as the vault's reader does. */
  private static String string(JsonParser json, String secretName) throws IOException, VaultException {
    expect(json.currentToken() == JsonToken.VALUE_STRING, secretName);
    return json.getText();
  }

  /** Standard base64 with padding that re-encodes to the same text (one spelling per value). */
  private static byte[] base64(String text, String secretName) throws VaultException {
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      if (Base64.getEncoder().encodeToString(bytes).equals(text)) {
        return bytes;
      }
    } catch (IllegalArgumentException malformed) {
      // refused below
    }
    throw new VaultException.Corrupt("secret " + secretName + " has malformed base64");
  }

  private static void expect(boolean condition, String secretName) throws VaultException.Corrupt {
    if (!condition) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a " + FORMAT + " value");
    }
  }
}
