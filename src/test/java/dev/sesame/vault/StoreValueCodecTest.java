package dev.sesame.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's value format (sesame-sm/2) against vectors written by the release that kept the
 * codec inside aws/SecretsManagerStore: what is already in Secrets Manager still opens, a plain
 * value is written byte for byte as before, and a sealed one in the same layout (only the random
 * slot id, data key and IV, and so the base64, differ).
 */
class StoreValueCodecTest {
  private static final String SECRET = "sesame/prod/mail";
  private static final String VERSION_ID = "11111111-2222-3333-4444-555555555555";
  private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");
  /** Sealed with the key file holding bytes 0..31. */
  private static final String SEALED = "{\"format\":\"sesame-sm/2\",\"type\":\"smtp\",\"created_at\":\"2026-01-02T03:04:05Z\",\"key_sl"
      + "ots\":[{\"id\":\"ks-542f6359\",\"type\":\"key-file\",\"params\":{},\"wrapped_key\":\"2KtOhEE2B"
      + "gaVCzM0nULKfbfEIxhnj3lY8U+31KLfsUeU32jFe4pmxrZJkKTP5Fv2X2IWQO+hkJ/vu7sI\"}],\"sealed\":\"OAPxL"
      + "iLVhnGb68MOjlyXe0GBDc0IPeAVGxXzQeTifOKxxs9pfWswPOW7YKLPkzbY+cZ2PebmsjPztUoq1BBt7NmCqfNcixP0NQS"
      + "ft+7eHJtGZ+vpZgTJpvVK0NKorc1cJ7VUjGBsxqJsyUdypGmATKgOXaaJVKMRiXjCi1BeURHBdikgfVwqts3k/8Q+42OoI"
      + "7kJcOElWDfRPEDVfxLH\"}";
  private static final String PLAIN = "{\"format\":\"sesame-sm/2\",\"type\":\"smtp\",\"created_at\":\"2026-01-02T03:04:05Z\",\"fields"
      + "\":{\"smtp_host\":\"smtp.example.com\",\"smtp_port\":\"587\",\"smtp_username\":\"mailer\",\"sm"
      + "tp_password\":\"vector-password\",\"smtp_tls\":\"starttls\"}}";

  @TempDir
  Path dir;

  private KeySource key;

  @BeforeEach
  void keyFile() throws Exception {
    Path file = dir.resolve("vector.key");
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, bytes);
    key = KeyFileKeySource.load(file);
  }

  private static Credential credential() {
    return Credential.of(EntryType.SMTP, Map.of("smtp_host", "smtp.example.com", "smtp_port", "587",
        "smtp_username", "mailer", "smtp_password", "vector-password", "smtp_tls", "starttls"));
  }

  @Test
  void aSealedValueWrittenBeforeTheCodecMovedStillOpens() throws Exception {
    StoreValueCodec.Value value = StoreValueCodec.decode(SECRET, VERSION_ID, SEALED, List.of(key));

    assertThat(value.credential().fields()).isEqualTo(credential().fields());
    assertThat(value.createdAt()).isEqualTo(CREATED);
    assertThat(value.slots()).extracting(KeySlot::id, KeySlot::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("ks-542f6359", "key-file"));
  }

  @Test
  void aPlainValueIsWrittenByteForByteAsBefore() throws Exception {
    assertThat(StoreValueCodec.encode(SECRET, VERSION_ID, credential(), CREATED, List.of())).isEqualTo(PLAIN);
    assertThat(StoreValueCodec.decode(SECRET, VERSION_ID, PLAIN, List.of()).credential().fields())
        .isEqualTo(credential().fields());
  }

  @Test
  void aSealedValueIsWrittenInTheSameLayoutAndOpensAgain() throws Exception {
    String written = StoreValueCodec.encode(SECRET, VERSION_ID, credential(), CREATED, List.of(key::wrap));

    assertThat(randomPartsBlanked(written)).isEqualTo(randomPartsBlanked(SEALED));
    assertThat(StoreValueCodec.decode(SECRET, VERSION_ID, written, List.of(key)).credential().fields())
        .isEqualTo(credential().fields());
  }

  @Test
  void aValueCopiedToAnotherVersionDoesNotOpen() {
    assertThatThrownBy(() -> StoreValueCodec.decode(SECRET, "another-version", SEALED, List.of(key)))
        .isInstanceOf(VaultException.class);
  }

  @Test
  void aKeySlotIsReadAsStrictlyAsTheVaultFilesOwn() {
    String unordered = SEALED.replace("\"params\":{}", "\"params\":{\"b\":\"1\",\"a\":\"2\"}");
    String unknown = SEALED.replace("\"params\":{}", "\"params\":{},\"extra\":\"x\"");

    assertThatThrownBy(() -> StoreValueCodec.decode(SECRET, VERSION_ID, unordered, List.of(key)))
        .isInstanceOf(VaultException.Corrupt.class).hasMessageContaining("not in canonical order");
    assertThatThrownBy(() -> StoreValueCodec.decode(SECRET, VERSION_ID, unknown, List.of(key)))
        .isInstanceOf(VaultException.Corrupt.class).hasMessageContaining("unknown key slot field");
  }

  private static String randomPartsBlanked(String value) {
    return value.replaceAll("\"(wrapped_key|sealed)\":\"[A-Za-z0-9+/=]+\"", "\"$1\":\"...\"")
        .replaceAll("\"id\":\"ks-[0-9a-f]{8}\"", "\"id\":\"ks-...\"");
  }
}
