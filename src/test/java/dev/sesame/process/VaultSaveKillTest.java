package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VersionInfo;
import dev.sesame.vault.VersionedCredential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * design.md section 2, "A crash at any instant leaves the old or the new vault, whole": a child
 * JVM ({@link SaveLoop}) saves in a loop and is killed with SIGKILL at a random instant; the
 * vault must then open with the key and hold exactly what one of its saves wrote. The trials share
 * one vault, so each also starts from whatever the previous kill left behind.
 */
class VaultSaveKillTest {
  private static final int MAX_VERSIONS = 5;
  private static final String ANCHOR_PASSWORD = "anchor-password-never-rewritten";
  private static final AtomicInteger TRIALS_LEAVING_A_TEMP_FILE = new AtomicInteger();

  @TempDir
  static Path dir;

  private static Path vault;
  private static Path keyFile;
  private static KeySource key;
  private static SesameProcess children;

  @TempDir
  Path ownDir;

  @BeforeAll
  static void createVaultWithAnAnchorEntry() throws Exception {
    Path vaultDir = Files.createDirectory(dir.resolve("vault"));
    vault = vaultDir.resolve("vault.json");
    keyFile = vaultDir.resolve("vault.key");
    key = Fixtures.keyFile(keyFile);
    Fixtures.createVault(vault, key, MAX_VERSIONS);
    Fixtures.put(vault, key, "anchor", Fixtures.smtp(ANCHOR_PASSWORD));
    children = SesameProcess.withTmpDir(Files.createDirectory(dir.resolve("tmp"))).workDir(vaultDir);
  }

  @AfterAll
  static void reportHowOftenAKillLeftATempFile() {
    System.out.println("VaultSaveKillTest: " + TRIALS_LEAVING_A_TEMP_FILE.get()
        + " kills left a temp file behind (swept by the next write)");
  }

  @RepeatedTest(value = 50, name = "SIGKILL trial {currentRepetition} of {totalRepetitions}")
  void aKilledWriterLeavesTheOldOrTheNewVaultWhole(RepetitionInfo trial) throws Exception {
    int killedAfterMillis = ThreadLocalRandom.current().nextInt(301);
    int lastReported = runSaveLoopAndKill(killedAfterMillis);
    String context = "trial " + trial.getCurrentRepetition() + ", killed " + killedAfterMillis
        + " ms after the first save, last reported save " + lastReported;

    try (Vault opened = Vault.open(vault, List.of(key))) {
      EntryInfo entry = opened.entry(SaveLoop.ENTRY).orElseThrow();
      int current = entry.labelled(Label.CURRENT).orElseThrow().version();
      // Reported saves are committed; at most one more was under way at the kill.
      assertThat(current).as(context).isBetween(lastReported, lastReported + 1);
      VersionedCredential value = opened.get(SaveLoop.ENTRY, Label.CURRENT);
      assertThat(value.credential()).as(context).isEqualTo(SaveLoop.credentialOf(current));
      assertVersionsConsistent(entry, current, context);
      assertThat(opened.get("anchor", Label.CURRENT).credential().field(Credential.SMTP_PASSWORD))
          .as(context).contains(ANCHOR_PASSWORD);
      assertThat(opened.entries()).as(context).hasSize(2);
    }

    if (!Fixtures.tempFilesOf(vault).isEmpty()) {
      TRIALS_LEAVING_A_TEMP_FILE.incrementAndGet();
    }
    int next = Fixtures.put(vault, key, SaveLoop.ENTRY, SaveLoop.credentialOf(0));
    assertThat(Fixtures.tempFilesOf(vault)).as("temp files after the next write, " + context).isEmpty();
    // Keep "version N holds passwordOf(N)" true for the next trial.
    Vault.update(vault, List.of(key), Vault.DEFAULT_LOCK_TIMEOUT, v -> v.put(SaveLoop.ENTRY, SaveLoop.credentialOf(next + 1)));
  }

  @Test
  void aStaleTempFileIsSweptByTheNextCliWrite() throws Exception {
    Path ownVault = ownDir.resolve("own.json");
    Path ownKey = ownDir.resolve("own.key");
    KeySource ownSource = Fixtures.keyFile(ownKey);
    Fixtures.createVault(ownVault, ownSource, MAX_VERSIONS);
    Path stale = Files.write(ownDir.resolve(".own.json.123456789.tmp"), "half a vault".getBytes(StandardCharsets.UTF_8));
    Path tmp = Files.createDirectory(ownDir.resolve("tmp"));

    Result result = SesameProcess.withTmpDir(tmp).runWithStdin("pw\n", "put", "relay", "--host", "h.example.test",
        "--port", "25", "--smtp-username", "u", "--smtp-password-stdin", "--vault", ownVault.toString(),
        "--key-file", ownKey.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(stale).doesNotExist();
    assertThat(Fixtures.names(ownDir)).containsExactly("own.json", "own.json.lock", "own.key", "tmp");
  }

  /** Versions are consecutive, end at CURRENT, number min(CURRENT, MAX_VERSIONS), labels in place. */
  private static void assertVersionsConsistent(EntryInfo entry, int current, String context) {
    List<Integer> numbers = entry.versions().stream().map(VersionInfo::version).toList();
    assertThat(numbers).as(context).hasSize(Math.min(current, MAX_VERSIONS));
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).as(context).isEqualTo(current - numbers.size() + 1 + i);
    }
    if (current > 1) {
      assertThat(entry.labelled(Label.PREVIOUS).orElseThrow().version()).as(context).isEqualTo(current - 1);
    }
    assertThat(entry.labelled(Label.PENDING)).as(context).isEmpty();
  }

  /** Starts SaveLoop, kills it with SIGKILL DELAY ms after its first save; returns the last save it reported. */
  private static int runSaveLoopAndKill(int delayMillis) throws Exception {
    Process child = children.start(SaveLoop.class.getName(), new byte[0], vault.toString(), keyFile.toString());
    List<String> lines = new CopyOnWriteArrayList<>();
    CountDownLatch firstSave = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
          firstSave.countDown();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    reader.start();
    Thread errors = new Thread(() -> {
      try {
        child.getErrorStream().transferTo(System.err);
      } catch (IOException ignored) {
        // The child is gone.
      }
    });
    errors.start();
    try {
      assertThat(firstSave.await(60, TimeUnit.SECONDS)).as("SaveLoop made its first save").isTrue();
      Thread.sleep(delayMillis);
    } finally {
      // SIGKILL: no shutdown hooks, no finally blocks. Through the handle, because
      // Process.destroyForcibly() also closes our end of the pipes and would lose the last lines.
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    reader.join(30_000);
    errors.join(30_000);
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    String last = lines.get(lines.size() - 1);
    assertThat(last).startsWith("saved ");
    return Integer.parseInt(last.substring("saved ".length()));
  }
}
