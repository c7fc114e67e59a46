package dev.sesame.crypto;

import static dev.sesame.crypto.WycheproofVectors.hex;
import static dev.sesame.crypto.WycheproofVectors.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HmacWycheproofTest {

  @Test
  void wycheproofHmacSha256Vectors() throws Exception {
    int ran = 0;
    int truncated = 0;
    for (WycheproofVectors.Group group : WycheproofVectors.load("hmac_sha256_test.json")) {
      int tagBytes = group.intAttribute("tagSize") / 8;
      for (Map<String, Object> test : group.tests()) {
        byte[] expected = hex(test, "tag");
        byte[] computed = Hmac.sha256(hex(test, "key"), hex(test, "msg"));
        // Truncated-tag groups compare the tag with a prefix of the full HMAC.
        byte[] prefix = Arrays.copyOf(computed, tagBytes);
        boolean valid = "valid".equals(test.get("result"));
        assertThat(Hmac.constantTimeEquals(prefix, expected)).as(id(test)).isEqualTo(valid);
        ran++;
        if (tagBytes < Hmac.SHA256_BYTES) {
          truncated++;
        }
      }
    }
    System.out.println("Wycheproof HMAC-SHA256: ran " + ran + " (" + truncated
        + " with truncated tags), skipped 0");
    assertThat(ran).isPositive();
  }
}
