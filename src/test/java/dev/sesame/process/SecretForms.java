package dev.sesame.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The byte patterns a secret would leave in a file or a stream if it leaked: its UTF-8 bytes,
 * hex, and base64 (standard and URL-safe) at each of the three alignments a secret can have
 * inside a longer base64 text. For an alignment, only the characters that depend on the secret's
 * bytes alone are kept.
 */
final class SecretForms {
  private SecretForms() {}

  record Form(String description, byte[] bytes) {}

  static List<Form> of(String secret) {
    byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
    List<Form> forms = new ArrayList<>();
    forms.add(new Form("UTF-8", utf8));
    forms.add(new Form("hex", ascii(HexFormat.of().formatHex(utf8))));
    forms.add(new Form("HEX", ascii(HexFormat.of().withUpperCase().formatHex(utf8))));
    for (int offset = 0; offset < 3; offset++) {
      byte[] shifted = new byte[offset + utf8.length];
      System.arraycopy(utf8, 0, shifted, offset, utf8.length);
      forms.add(new Form("base64 at offset " + offset, inner(Base64.getEncoder().encodeToString(shifted), offset)));
      forms.add(new Form("base64url at offset " + offset,
          inner(Base64.getUrlEncoder().encodeToString(shifted), offset)));
    }
    return forms;
  }

  /** The first form of SECRET found in HAYSTACK, or null. */
  static String findIn(byte[] haystack, String secret) {
    for (Form form : of(secret)) {
      if (indexOf(haystack, form.bytes()) >= 0) {
        return form.description();
      }
    }
    return null;
  }

  /** Drops the first quad when it mixes in prefix bytes, and the last quad (it may mix in what follows). */
  private static byte[] inner(String encoded, int offset) {
    int start = offset == 0 ? 0 : 4;
    return ascii(encoded.substring(start, encoded.length() - 4));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
