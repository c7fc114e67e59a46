package dev.sesame.process;

import dev.sesame.crypto.Argon2id;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Vaults built in-process for tests whose subject is what a child process does with them. */
final class Fixtures {
  /** The cheapest Argon2id a vault accepts: tests that are not about the KDF stay fast. */
  static final Argon2id.Params FAST_KDF = new Argon2id.Params(8 * 1024, 1, 1);
  static final List<String> FAST_KDF_FLAGS = List.of("--kdf-memory", "8", "--kdf-iterations", "1");

  private Fixtures() {}

  static KeySource keyFile(Path path) throws VaultException {
    return KeyFileKeySource.createOrLoad(path);
  }

  static KeySource passphrase(String passphrase) {
    return PassphraseKeySource.of(passphrase.getBytes(StandardCharsets.UTF_8), FAST_KDF);
  }

  static void createVault(Path vault, KeySource source, int maxVersions) throws VaultException {
    Vault.create(vault, List.of(source), maxVersions);
  }

  static Credential smtp(String password) {
    return Credential.of(EntryType.SMTP, Map.of(
        Credential.SMTP_HOST, "smtp.example.test",
        Credential.SMTP_PORT, "587",
        Credential.SMTP_USERNAME, "relay-user",
        Credential.SMTP_PASSWORD, password));
  }

  static int put(Path vault, KeySource source, String name, Credential credential) throws VaultException {
    return Vault.update(vault, List.of(source), Duration.ofSeconds(30), v -> v.put(name, credential));
  }

  static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  /** File names directly in FOLDER, sorted. */
  static List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static List<String> tempFilesOf(Path vault) throws IOException {
    String prefix = "." + vault.getFileName() + ".";
    return names(vault.toAbsolutePath().getParent()).stream()
        .filter(n -> n.startsWith(prefix) && (n.endsWith(".tmp") || n.endsWith(".sesame-tmp"))).toList();
  }
}
