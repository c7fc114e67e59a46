package dev.sesame.crypto;

import static dev.sesame.crypto.WycheproofVectors.hex;
import static dev.sesame.crypto.WycheproofVectors.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class AeadWycheproofTest {

  @Test
  void wycheproofAesGcmVectorsWithinTheWrappersContract() throws Exception {
    int ran = 0;
    Map<String, Integer> skipped = new TreeMap<>();
    for (WycheproofVectors.Group group : WycheproofVectors.load("aes_gcm_test.json")) {
      int keyBits = group.intAttribute("keySize");
      int ivBits = group.intAttribute("ivSize");
      int tagBits = group.intAttribute("tagSize");
      // Aead only ever builds AES-256 with 96-bit IVs and 128-bit tags; other sizes cannot be expressed.
      String reason = keyBits != Aead.KEY_BYTES * 8 ? "key not 256 bits"
          : ivBits != Aead.IV_BYTES * 8 ? "IV not 96 bits"
          : tagBits != Aead.TAG_BYTES * 8 ? "tag not 128 bits"
          : null;
      if (reason != null) {
        skipped.merge(reason, group.tests().size(), Integer::sum);
        continue;
      }
      for (Map<String, Object> test : group.tests()) {
        runVector(test);
        ran++;
      }
    }
    int skippedTotal = skipped.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("Wycheproof AES-GCM: ran " + ran + ", skipped " + skippedTotal
        + " outside Aead's contract (AES-256, 96-bit IV, 128-bit tag): " + skipped);
    assertThat(ran).as("vectors run").isPositive();
  }

  private static void runVector(Map<String, Object> test) throws GeneralSecurityException {
    Aead aead = Aead.create(hex(test, "key"));
    byte[] iv = hex(test, "iv");
    byte[] aad = hex(test, "aad");
    byte[] sealed = concat(iv, hex(test, "ct"), hex(test, "tag"));
    if ("invalid".equals(test.get("result"))) {
      assertThatThrownBy(() -> aead.decrypt(sealed, aad)).as(id(test))
          .isInstanceOf(AEADBadTagException.class);
      return;
    }
    byte[] msg = hex(test, "msg");
    assertThat(aead.encryptWithIv(iv, msg, aad)).as(id(test)).isEqualTo(sealed);
    assertThat(aead.decrypt(sealed, aad)).as(id(test)).isEqualTo(msg);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }
}
