package dev.sesame.cli;

import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workload `mvn package` runs under -XX:ArchiveClassesAtExit to build target/sesame.jsa: it
 * loads the classes of the hot read path (`get`, `list`) so later runs map them pre-parsed. Uses
 * a throwaway vault with a made-up credential; prints that fake value to stdout (sent to a log).
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("sesame-cds-");
    try {
      Path vault = dir.resolve("vault.json");
      Path keyFile = dir.resolve("vault.key");
      List<KeySource> key = List.of(KeyFileKeySource.createOrLoad(keyFile));
      Vault.create(vault, key, 5);
      Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("training", Credential.of(EntryType.SMTP, Map.of(
          Credential.SMTP_HOST, "smtp.invalid", Credential.SMTP_PORT, "587",
          Credential.SMTP_USERNAME, "training", Credential.SMTP_PASSWORD, "not-a-secret"))));
      String[] common = {"--vault", vault.toString(), "--key-file", keyFile.toString()};
      run("get", "training", common);
      run("get", "training", common, "--field", "smtp_host", "--output", "json");
      run("list", null, common);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException ignored) {
        // A temp folder with a fake credential; nothing to worry about.
      }
    }
  }

  private static void run(String verb, String name, String[] common, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(verb));
    if (name != null) {
      args.add(name);
    }
    args.addAll(List.of(common));
    args.addAll(List.of(extra));
    int code = Main.run(args.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException("training command failed: " + args + " exited " + code);
    }
  }
}
