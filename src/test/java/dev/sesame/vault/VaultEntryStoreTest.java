package dev.sesame.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault file as an entry store: the port's reads and writes, one unlock per object, fresh after its own writes. */
class VaultEntryStoreTest {
  @TempDir
  Path dir;

  private Path vault;
  private Path keyFile;

  @BeforeEach
  void create() throws Exception {
    vault = dir.resolve("vault.json");
    keyFile = dir.resolve("vault.key");
    Vault.create(vault, List.of(KeyFileKeySource.createOrLoad(keyFile)), 5);
  }

  private VaultEntryStore store() throws Exception {
    return new VaultEntryStore(vault, List.of(KeyFileKeySource.load(keyFile)), Duration.ofSeconds(5), Clock.systemUTC());
  }

  private static Credential smtp(String password) {
    return Credential.of(EntryType.SMTP, Map.of(Credential.SMTP_HOST, "smtp.example.com", Credential.SMTP_PORT, "587",
        Credential.SMTP_USERNAME, "mailer", Credential.SMTP_PASSWORD, password));
  }

  @Test
  void readsByLabelAndByVersionWhatItPut() throws Exception {
    try (EntryStore store = store()) {
      assertThat(store.put("mail", smtp("one"))).isEqualTo("1");
      assertThat(store.read("mail", Label.CURRENT).allFields()).containsEntry(Credential.SMTP_PASSWORD, "one");
      // A read before a put must not hide the put: the opened copy is dropped at every write.
      assertThat(store.put("mail", smtp("two"))).isEqualTo("2");
      store.put("relay", smtp("three"));

      EntryVersion current = store.read("mail", Label.CURRENT);
      assertThat(current.allFields()).containsEntry(Credential.SMTP_PASSWORD, "two");
      assertThat(current.number()).hasValue(2);
      assertThat(current.id()).isEqualTo("2");
      assertThat(current.stages()).isEmpty();
      assertThat(store.readVersion("mail", "1").labels()).containsExactly(Label.PREVIOUS);
      assertThat(store.read("mail", Label.PREVIOUS).allFields()).containsEntry(Credential.SMTP_PASSWORD, "one");
      assertThat(store.list()).containsExactly("mail", "relay");
      assertThat(store.versions("mail")).extracting(EntryVersion::id).containsExactly("1", "2");
      assertThat(store.labelled("mail").versions()).extracting(EntryVersion::id).containsExactly("2", "1");
      assertThatThrownBy(() -> store.readVersion("mail", "9")).isInstanceOf(VaultException.NotFound.class);
      assertThatThrownBy(() -> store.readVersion("mail", "not-a-number")).isInstanceOf(VaultException.NotFound.class);
      assertThatThrownBy(() -> store.read("mail", Label.PENDING)).isInstanceOf(VaultException.NotFound.class);
    }
  }

  @Test
  void theRotationStepsKeepThePendingVersionAndTheStateTogether() throws Exception {
    try (EntryStore store = store()) {
      store.put("mail", smtp("one"));
      store.savePending("mail", smtp("two"), "token-1", Map.of(RotationState.STEP, "created"));

      EntryStore.Snapshot snapshot = store.snapshot("mail");
      assertThat(snapshot.pending()).isPresent();
      assertThat(snapshot.state()).containsEntry(RotationState.STEP, "created");
      assertThat(store.labelled("mail").state()).containsEntry(RotationState.STEP, "created");

      store.promotePending("mail", Map.of());
      assertThat(store.read("mail", Label.CURRENT).allFields()).containsEntry(Credential.SMTP_PASSWORD, "two");
      assertThat(store.snapshot("mail").state()).isEmpty();
    }
  }
}
