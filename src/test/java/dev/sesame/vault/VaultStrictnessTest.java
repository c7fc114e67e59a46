package dev.sesame.vault;

import static dev.sesame.vault.VaultFixtures.keyFile;
import static dev.sesame.vault.VaultFixtures.passphrase;
import static dev.sesame.vault.VaultFixtures.smtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.crypto.Argon2id;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/vault-format.md promises about strictness: one spelling per vault (whitespace
 * aside), and key-slot costs within the caps before anything is derived.
 */
class VaultStrictnessTest {
  @TempDir
  Path dir;

  private Path keyFileVault() throws Exception {
    Path vault = dir.resolve("vault.json");
    List<KeySource> key = List.of(keyFile(dir, "key"));
    Vault.create(vault, key, 5);
    Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("relay", smtp("pw")));
    return vault;
  }

  private List<KeySource> key() throws Exception {
    return List.of(keyFile(dir, "key"));
  }

  private void assertCorrupt(Path vault, String text, String detail) throws Exception {
    Files.writeString(vault, text);
    assertThatThrownBy(() -> Vault.open(vault, key()).close())
        .isInstanceOf(VaultException.Corrupt.class)
        .hasMessageContaining(detail);
  }

  @Test
  void insignificantWhitespaceMayVary() throws Exception {
    Path vault = keyFileVault();
    String compact = Files.readString(vault).replaceAll("\\s*\n\\s*", "").replace(" : ", ":");
    Files.writeString(vault, "\n\t " + compact + "\r\n\r\n");
    try (Vault opened = Vault.open(vault, key())) {
      assertThat(opened.get("relay", Label.CURRENT).credential().field(Credential.SMTP_PASSWORD)).contains("pw");
    }
  }

  @Test
  void aByteOrderMarkIsRefused() throws Exception {
    Path vault = keyFileVault();
    assertCorrupt(vault, "\uFEFF" + Files.readString(vault), "not in canonical form");
  }

  @Test
  void reorderedFieldsAreRefused() throws Exception {
    Path vault = keyFileVault();
    String text = Files.readString(vault);
    String format = "  \"format\" : \"sesame-vault/1\",\n";
    String reordered = text.replace(format, "").replace("  \"mac\"", format + "  \"mac\"");
    assertThat(reordered).isNotEqualTo(text);
    assertCorrupt(vault, reordered, "not in canonical form");
  }

  @Test
  void reorderedVersionFieldsAreRefused() throws Exception {
    Path vault = keyFileVault();
    String text = Files.readString(vault);
    String reordered = text.replaceFirst("\"version\" : 1,\\s*\"type\" : \"smtp\",", "\"type\" : \"smtp\", \"version\" : 1,");
    assertThat(reordered).isNotEqualTo(text);
    assertCorrupt(vault, reordered, "not in canonical form");
  }

  @Test
  void anEscapedSpellingOfTheSameTextIsRefused() throws Exception {
    Path vault = keyFileVault();
    String text = Files.readString(vault);
    assertCorrupt(vault, text.replace("\"sesame-vault/1\"", "\"sesame-vault\\/1\""), "not in canonical form");
    assertCorrupt(vault, text.replace("\"relay\"", "\"\\u0072elay\""), "not in canonical form");
  }

  @Test
  void utf16IsRefused() throws Exception {
    Path vault = keyFileVault();
    String text = Files.readString(vault);
    Files.write(vault, text.getBytes(StandardCharsets.UTF_16BE));
    assertThatThrownBy(() -> Vault.open(vault, key()).close()).isInstanceOf(VaultException.Corrupt.class);
  }

  private Path passphraseVault() throws Exception {
    Path vault = dir.resolve("pass.json");
    Vault.create(vault, List.of(passphrase("right")), 5);
    return vault;
  }

  /** Each would take minutes and gigabytes if derived; the test's timeout proves none was. */
  @Test
  @Timeout(60)
  void slotCostsBeyondTheCapsAreTamperingRefusedBeforeDeriving() throws Exception {
    Path vault = passphraseVault();
    String text = Files.readString(vault);
    assertThat(text).contains("\"m\" : \"8192\"", "\"t\" : \"1\"", "\"p\" : \"1\"");
    for (String edited : List.of(
        text.replace("\"m\" : \"8192\"", "\"m\" : \"4194304\""),
        text.replace("\"m\" : \"8192\"", "\"m\" : \"1048577\""),
        text.replace("\"t\" : \"1\"", "\"t\" : \"17\""),
        text.replace("\"p\" : \"1\"", "\"p\" : \"9\""))) {
      Files.writeString(vault, edited);
      assertThatThrownBy(() -> Vault.open(vault, List.of(passphrase("right"))).close())
          .isInstanceOf(VaultException.Corrupt.class).hasMessageContaining("out of range");
    }
  }

  @Test
  void aShortSaltIsTampering() throws Exception {
    Path vault = passphraseVault();
    String text = Files.readString(vault);
    String edited = text.replaceFirst("\"salt\" : \"[^\"]+\"", "\"salt\" : \"AAAA\"");
    Files.writeString(vault, edited);
    assertThatThrownBy(() -> Vault.open(vault, List.of(passphrase("right"))).close())
        .isInstanceOf(VaultException.Corrupt.class)
        .hasMessage("vault file is damaged: the salt of key slot " + text.replaceFirst("(?s).*\"id\" : \"(ks-[0-9a-f]+)\".*", "$1")
            + " is not 16 bytes");
  }

  @Test
  void newSlotsBeyondTheCapsAreRefused() {
    assertThatThrownBy(() -> PassphraseKeySource.of("x".getBytes(StandardCharsets.UTF_8),
        new Argon2id.Params(2 * 1024 * 1024, 3, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PassphraseKeySource.of("x".getBytes(StandardCharsets.UTF_8),
        new Argon2id.Params(65536, 17, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PassphraseKeySource.of("x".getBytes(StandardCharsets.UTF_8),
        new Argon2id.Params(65536, 3, 9))).isInstanceOf(IllegalArgumentException.class);
    assertThat(PassphraseKeySource.withinCaps(new Argon2id.Params(1024 * 1024, 16, 8))).isTrue();
  }
}
