package dev.sesame.crypto;

import static dev.sesame.crypto.WycheproofVectors.hex;
import static dev.sesame.crypto.WycheproofVectors.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HkdfWycheproofTest {

  @Test
  void wycheproofHkdfSha256Vectors() throws Exception {
    int valid = 0;
    int invalid = 0;
    for (WycheproofVectors.Group group : WycheproofVectors.load("hkdf_sha256_test.json")) {
      for (Map<String, Object> test : group.tests()) {
        byte[] ikm = hex(test, "ikm");
        byte[] salt = hex(test, "salt");
        byte[] info = hex(test, "info");
        int size = ((Number) test.get("size")).intValue();
        if ("invalid".equals(test.get("result"))) {
          // The only invalid HKDF vectors ask for more than 255 hash blocks of output.
          assertThatThrownBy(() -> Hkdf.sha256(ikm, salt, info, size)).as(id(test))
              .isInstanceOf(IllegalArgumentException.class);
          invalid++;
        } else {
          assertThat(Hkdf.sha256(ikm, salt, info, size)).as(id(test)).isEqualTo(hex(test, "okm"));
          valid++;
        }
      }
    }
    System.out.println("Wycheproof HKDF-SHA256: ran " + (valid + invalid) + " (" + valid + " valid, "
        + invalid + " invalid), skipped 0");
    assertThat(valid).isPositive();
  }
}
