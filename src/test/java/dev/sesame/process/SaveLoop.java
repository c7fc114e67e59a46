package dev.sesame.process;

import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VersionInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Test-scope child for the crash test: {@code SaveLoop VAULT KEY_FILE} saves forever, each save
 * one {@link Vault#update} that puts the next version of {@value #ENTRY}, and prints
 * {@code saved N} once save N is committed. Kill it whenever you like.
 */
public final class SaveLoop {
  static final String ENTRY = "crash";

  private SaveLoop() {}

  /**
   * The password that version N holds. Alternates between two shapes of different lengths, so a
   * torn or mixed write could not pass for a whole one.
   */
  static String passwordOf(int version) {
    return version % 2 == 0
        ? "even-" + version + "-" + "e".repeat(700)
        : "odd-" + version + "-" + "o".repeat(300);
  }

  static Credential credentialOf(int version) {
    return Credential.of(EntryType.SMTP, Map.of(
        Credential.SMTP_HOST, "smtp.example.test",
        Credential.SMTP_PORT, "587",
        Credential.SMTP_USERNAME, "crash-user",
        Credential.SMTP_PASSWORD, passwordOf(version)));
  }

  public static void main(String[] args) throws Exception {
    Path vault = Path.of(args[0]);
    KeyFileKeySource key = KeyFileKeySource.load(Path.of(args[1]));
    while (true) {
      int saved = Vault.update(vault, List.of(key), Duration.ofSeconds(30), v -> {
        List<VersionInfo> versions = v.entry(ENTRY).map(e -> e.versions()).orElse(List.of());
        int next = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        int stored = v.put(ENTRY, credentialOf(next));
        if (stored != next) {
          throw new IllegalStateException("put stored version " + stored + ", expected " + next);
        }
        return stored;
      });
      System.out.println("saved " + saved);
      System.out.flush();
    }
  }
}
