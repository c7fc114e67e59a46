package dev.sesame.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sesame.crypto.Aead;
import dev.sesame.crypto.Hkdf;
import dev.sesame.crypto.Hmac;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/vault-format.md is true: its worked example opens, by the code and by the page's own steps. */
class VaultFormatDocTest {
  private static final Path DOC = Path.of("docs", "vault-format.md");

  @TempDir
  Path dir;

  @Test
  void theWorkedExampleOpensWithSesame() throws Exception {
    Path key = dir.resolve("example.key");
    Files.write(key, HexFormat.of().parseHex(block("key").trim()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path vault = dir.resolve("example.json");
    Files.writeString(vault, block("vault"));
    try (Vault opened = Vault.open(vault, List.of(KeyFileKeySource.load(key)))) {
      Credential credential = opened.get("example", Label.CURRENT).credential();
      assertThat(credential.field(Credential.SMTP_PASSWORD)).contains("BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS");
      assertThat(credential.field(Credential.SECRET_ACCESS_KEY)).contains("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    }
  }

  /** Follows the page step by step with only AES-GCM, HKDF and HMAC: no vault code involved. */
  @Test
  void theWorkedExampleOpensByThePagesOwnSteps() throws Exception {
    Map<String, Object> file = parse(block("vault"));
    String vaultId = (String) file.get("vault_id");
    byte[] salt = vaultId.getBytes(StandardCharsets.US_ASCII);
    byte[] keyFile = HexFormat.of().parseHex(block("key").trim());
    Map<String, Object> slot = list(file.get("key_slots")).get(0);

    byte[] kek = Hkdf.sha256(keyFile, salt, utf8("sesame-vault/1 key-file kek"), 32);
    byte[] slotAd = lp("sesame-vault/1 key-slot", vaultId, (String) slot.get("id"), (String) slot.get("type"));
    byte[] dataKey = Aead.create(kek).decrypt(b64(slot.get("wrapped_key")), slotAd);

    ByteArrayOutputStream index = new ByteArrayOutputStream();
    index.writeBytes(lp("sesame-vault/1 index", (String) file.get("format"), vaultId,
        file.get("max_versions").toString(), "1", (String) slot.get("id"), (String) slot.get("type"), "0"));
    index.writeBytes(lp(b64(slot.get("wrapped_key"))));
    List<Map<String, Object>> entries = list(file.get("entries"));
    index.writeBytes(lp(Integer.toString(entries.size())));
    Map<String, Object> entry = entries.get(0);
    List<Map<String, Object>> versions = list(entry.get("versions"));
    index.writeBytes(lp((String) entry.get("name"), Integer.toString(versions.size())));
    Map<String, Object> version = versions.get(0);
    @SuppressWarnings("unchecked")
    List<String> labels = (List<String>) version.get("labels");
    index.writeBytes(lp(version.get("version").toString(), (String) version.get("type"),
        (String) version.get("created_at"), Integer.toString(labels.size())));
    for (String label : labels) {
      index.writeBytes(lp(label));
    }
    index.writeBytes(lp(b64(version.get("sealed"))));
    index.writeBytes(lp("0")); // no entry state
    byte[] macKey = Hkdf.sha256(dataKey, salt, utf8("sesame-vault/1 index mac"), 32);
    assertThat(Hmac.sha256(macKey, index.toByteArray())).isEqualTo(b64(file.get("mac")));

    byte[] entryKey = Hkdf.sha256(dataKey, salt, utf8("sesame-vault/1 entry aead"), 32);
    byte[] entryAd = lp("sesame-vault/1 entry", vaultId, (String) entry.get("name"),
        version.get("version").toString(), (String) version.get("type"));
    byte[] plaintext = Aead.create(entryKey).decrypt(b64(version.get("sealed")), entryAd);
    assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(block("plaintext").trim());
  }

  private static String block(String name) throws IOException {
    String doc = Files.readString(DOC);
    Matcher matcher = Pattern.compile("<!-- example:" + name + " -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL)
        .matcher(doc);
    assertThat(matcher.find()).as("block %s in %s", name, DOC).isTrue();
    return matcher.group(1);
  }

  private static byte[] lp(String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String field : fields) {
      out.writeBytes(lp(utf8(field)));
    }
    return out.toByteArray();
  }

  private static byte[] lp(byte[] field) {
    return ByteBuffer.allocate(4 + field.length).putInt(field.length).put(field).array();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] b64(Object text) {
    return Base64.getDecoder().decode((String) text);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) throws IOException {
    try (JsonParser parser = new JsonFactory().createParser(json)) {
      parser.nextToken();
      return (Map<String, Object>) value(parser);
    }
  }

  private static Object value(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      Map<String, Object> object = new LinkedHashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        object.put(name, value(parser));
      }
      return object;
    }
    if (token == JsonToken.START_ARRAY) {
      List<Object> array = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(value(parser));
      }
      return array;
    }
    return token == JsonToken.VALUE_NUMBER_INT ? (Object) parser.getIntValue() : parser.getText();
  }
}
