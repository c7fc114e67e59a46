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
 * The workloads `mvn package` runs under -XX:ArchiveClassesAtExit to build the class-data archives
 * that scripts/sesame maps, so later runs find those classes pre-parsed. Uses a throwaway vault
 * with a made-up credential; prints that fake value to stdout (sent to a log).
 *
 * <p>Two archives, because the JVM relocates the whole archive at every start (JDK 17's default
 * ArchiveRelocationMode=1, for address-space randomisation): the full one (target/sesame.jsa,
 * about 17 MB with the AWS SDK classes of the KMS unlock path) costs 12-15 ms before main on this
 * 2-core machine, the key-file `get` one (target/sesame-get.jsa, about 3.5 MB) about 3 ms.
 * <ul>
 *   <li>{@code get}: only the picocli-free key-file `get` ({@link FastGet}), what pipelines call;
 *   <li>no argument: that, `list`, and `get` on a vault with an aws-kms slot.
 * </ul>
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    boolean getOnly = args.length == 1 && args[0].equals("get");
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
      run("get", "training", common, "--output", "env");
      if (!getOnly) {
        run("list", null, common);
        trainAwsKeySourcePath(dir);
      }
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

  /**
   * Loads the classes of `get` on a vault with an aws-kms slot (SDK client, credentials, signing,
   * HTTP, error handling) by opening such a vault against a closed loopback port: the call fails
   * (exit 7), which is fine, the classes are loaded. Never fails the build.
   */
  private static final String TRAINING_KEY_ARN =
      "arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-0000-0000-000000000000";

  private static void trainAwsKeySourcePath(Path dir) {
    String[] properties = {"aws.endpointUrl", "http://127.0.0.1:9", "aws.region", "eu-west-1",
        "aws.accessKeyId", "AKIATRAININGONLY0000", "aws.secretAccessKey", "training-only-not-a-secret",
        "aws.maxAttempts", "1"};
    java.util.Map<String, String> saved = new java.util.HashMap<>();
    try {
      for (int i = 0; i < properties.length; i += 2) {
        saved.put(properties[i], System.getProperty(properties[i]));
        System.setProperty(properties[i], properties[i + 1]);
      }
      Path vault = dir.resolve("kms.json");
      KeySource fakeKms = new KeySource() {
        @Override
        public String type() {
          return dev.sesame.aws.KmsKeySource.TYPE;
        }

        @Override
        public String describe() {
          return "training";
        }

        @Override
        public dev.sesame.vault.KeySlot wrap(String vaultId, byte[] dataKey) {
          return new dev.sesame.vault.KeySlot("ks-00000000", dev.sesame.aws.KmsKeySource.TYPE, Map.of("key-id", "alias/training",
              "key-arn", TRAINING_KEY_ARN, "region", "eu-west-1"), new byte[64]);
        }

        @Override
        public java.util.Optional<byte[]> unwrap(String vaultId, dev.sesame.vault.KeySlot slot) {
          return java.util.Optional.empty();
        }
      };
      Vault.create(vault, List.of(fakeKms), 5);
      // Pinned, so the unlock goes as far as a host's would: to the (closed) KMS endpoint.
      Main.run("get", "training", "--vault", vault.toString(), "--trusted-key", TRAINING_KEY_ARN);
    } catch (Exception | LinkageError ignored) {
      // Training only: a failure here costs start-up time later, never correctness.
    } finally {
      saved.forEach((name, old) -> {
        if (old == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, old);
        }
      });
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
