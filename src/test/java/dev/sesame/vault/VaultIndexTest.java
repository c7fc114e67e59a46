package dev.sesame.vault;

import static dev.sesame.vault.VaultFixtures.keyFile;
import static dev.sesame.vault.VaultFixtures.ses;
import static dev.sesame.vault.VaultFixtures.smtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyless index: what it reads without a key, and that it is as strict as the vault's own reader. */
class VaultIndexTest {
  @TempDir
  Path dir;

  private Path vault() throws Exception {
    Path vault = dir.resolve("vault.json");
    List<KeySource> key = List.of(keyFile(dir, "key"));
    Vault.create(vault, key, 5);
    Vault.update(vault, key, Duration.ofSeconds(5), v -> {
      v.put("relay", smtp("pw"));
      v.put("mail", ses("AKIAEXAMPLE000000001", "secret"));
      v.put("mail", ses("AKIAEXAMPLE000000002", "secret"));
      v.setEntryState("mail", Map.of("rotation.step", "created"));
      return null;
    });
    return vault;
  }

  @Test
  void readsSlotsEntriesLabelsAndStateWithoutAKey() throws Exception {
    VaultIndex index = VaultIndex.read(vault());
    assertThat(index.slotTypes()).containsExactly("key-file");
    assertThat(index.entries()).extracting(VaultIndex.Entry::name).containsExactly("mail", "relay");
    VaultIndex.Entry mail = index.entry("mail").orElseThrow();
    assertThat(mail.versions()).extracting(VaultIndex.Version::version).containsExactly(1, 2);
    assertThat(mail.labelled(Label.CURRENT).orElseThrow().version()).isEqualTo(2);
    assertThat(mail.labelled(Label.PREVIOUS).orElseThrow().labels()).isEqualTo(Set.of(Label.PREVIOUS));
    assertThat(mail.labelled(Label.CURRENT).orElseThrow().type()).isEqualTo(EntryType.SES);
    assertThat(mail.state()).isEqualTo(Map.of("rotation.step", "created"));
    assertThat(index.entry("relay").orElseThrow().state()).isEmpty();
  }

  @Test
  void refusesWhatTheVaultRefuses() throws Exception {
    Path vault = vault();
    // Databind would read this; the vault's canonical reader does not.
    Files.writeString(vault, "\uFEFF" + Files.readString(vault));
    assertThatThrownBy(() -> VaultIndex.read(vault)).isInstanceOf(VaultException.Corrupt.class)
        .hasMessageContaining("not in canonical form");
    Files.writeString(vault, "{\"format\":\"sesame-vault/1\",\"key_slots\":[],\"entries\":[],\"extra\":1}");
    assertThatThrownBy(() -> VaultIndex.read(vault)).isInstanceOf(VaultException.Corrupt.class);
  }

  @Test
  void aMissingFileIsNotFound() {
    assertThatThrownBy(() -> VaultIndex.read(dir.resolve("none.json"))).isInstanceOf(VaultException.NotFound.class);
  }
}
