package dev.sesame.crypto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Wycheproof test-vector files from the shared folder beside the project. A plain clone (as
 * in CI) has no such folder: then the calling test is aborted with the reason printed, not failed.
 */
final class WycheproofVectors {
  private static final Path FOLDER =
      Path.of(System.getProperty("user.dir")).resolve("../shared/testvectors/wycheproof").normalize();

  private WycheproofVectors() {}

  /** A test group: its attributes (keySize, ivSize, ...) and its test cases. */
  record Group(Map<String, Object> attributes, List<Map<String, Object>> tests) {
    int intAttribute(String name) {
      return ((Number) attributes.get(name)).intValue();
    }
  }

  /** Loads every group of {@code fileName}, or aborts the calling test when the file is absent. */
  static List<Group> load(String fileName) throws IOException {
    Path file = FOLDER.resolve(fileName);
    if (!Files.isRegularFile(file)) {
      String reason = "Wycheproof vectors not found at " + file + "; skipping (plain clone without ../shared)";
      System.out.println(reason);
      assumeTrue(false, reason);
    }
    Map<String, Object> root;
    try (JsonParser parser = new JsonFactory().createParser(file.toFile())) {
      parser.nextToken();
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = (Map<String, Object>) readValue(parser);
      root = parsed;
    }
    List<Group> groups = new ArrayList<>();
    for (Object groupObject : (List<?>) root.get("testGroups")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> group = (Map<String, Object>) groupObject;
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> tests = (List<Map<String, Object>>) group.remove("tests");
      groups.add(new Group(group, tests));
    }
    return groups;
  }

  static byte[] hex(Map<String, Object> test, String field) {
    return HexFormat.of().parseHex((String) test.get(field));
  }

  static String id(Map<String, Object> test) {
    return "tcId " + test.get("tcId") + " (" + test.get("comment") + ")";
  }

  // A tiny tree reader over the streaming parser: objects -> maps, arrays -> lists, scalars as is.
  private static Object readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          map.put(name, readValue(parser));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(readValue(parser));
        }
        return list;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return parser.getBooleanValue();
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected JSON token " + token);
    }
  }
}
