package dev.sesame.bench;

import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.Vault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * For scripts/bench: {@code BuildVault VAULT KEY_FILE COUNT} creates VAULT (and KEY_FILE if
 * missing) holding COUNT manual SMTP entries {@code entry-0 .. entry-(COUNT-1)}, in one save.
 * Going through the CLI would pay a JVM start per entry.
 */
public final class BuildVault {
  private BuildVault() {}

  public static void main(String[] args) throws Exception {
    Path vault = Path.of(args[0]);
    KeyFileKeySource key = KeyFileKeySource.createOrLoad(Path.of(args[1]));
    int count = Integer.parseInt(args[2]);
    Vault.create(vault, List.of(key), 5);
    Vault.update(vault, List.of(key), Duration.ofSeconds(30), v -> {
      for (int i = 0; i < count; i++) {
        v.put("entry-" + i, Credential.of(EntryType.SMTP, Map.of(
            Credential.SMTP_HOST, "smtp.example.test",
            Credential.SMTP_PORT, "587",
            Credential.SMTP_USERNAME, "user-" + i,
            Credential.SMTP_PASSWORD, "bench-password-" + i)));
      }
      return null;
    });
  }
}
