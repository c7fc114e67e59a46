package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VersionInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * design.md section 2, "Concurrent writers never lose each other's updates": separate JVMs run
 * {@code sesame put} on one vault at the same instant (a start barrier takes JVM start-up out of
 * the race). One round of processes serves every assertion below.
 */
class ConcurrentWritersTest {
  private static final int DISTINCT_WRITERS = 4;
  private static final int SAME_ENTRY_WRITERS = 4;
  private static final Pattern STORED = Pattern.compile("stored shared version (\\d+) as current");

  @TempDir
  static Path dir;

  private static Path vault;
  private static KeySource key;
  private static final List<Result> results = new ArrayList<>();

  @BeforeAll
  static void runAllWritersAtOnce() throws Exception {
    Path vaultDir = Files.createDirectory(dir.resolve("vault"));
    Path signals = Files.createDirectory(dir.resolve("signals"));
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    vault = vaultDir.resolve("vault.json");
    Path keyFile = vaultDir.resolve("vault.key");
    key = Fixtures.keyFile(keyFile);
    // Room for every same-entry version, so "no update lost" can be read off the versions kept.
    Fixtures.createVault(vault, key, SAME_ENTRY_WRITERS + 2);

    SesameProcess sesame = SesameProcess.withTmpDir(tmp).workDir(vaultDir);
    List<StartTogether.Run> runs = new ArrayList<>();
    for (int i = 0; i < DISTINCT_WRITERS + SAME_ENTRY_WRITERS; i++) {
      String name = i < DISTINCT_WRITERS ? "entry" + i : "shared";
      runs.add(StartTogether.Run.put(name, "user" + i, "password-of-writer-" + i, vault, keyFile));
    }
    results.addAll(StartTogether.all(sesame, signals, runs));
  }

  @Test
  void everyWriterSucceeds() {
    for (Result result : results) {
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
  }

  @Test
  void everyDistinctEntryIsPresentWithItsValue() throws Exception {
    try (Vault opened = Vault.open(vault, List.of(key))) {
      for (int i = 0; i < DISTINCT_WRITERS; i++) {
        assertThat(opened.get("entry" + i, Label.CURRENT).credential().field(Credential.SMTP_PASSWORD))
            .contains("password-of-writer-" + i);
      }
    }
  }

  @Test
  void sameEntryWritersProducedConsecutiveVersionsAndNoneWasLost() throws Exception {
    try (Vault opened = Vault.open(vault, List.of(key))) {
      EntryInfo shared = opened.entry("shared").orElseThrow();
      assertThat(shared.versions().stream().map(VersionInfo::version))
          .containsExactly(IntStream.rangeClosed(1, SAME_ENTRY_WRITERS).boxed().toArray(Integer[]::new));
      Set<String> stored = new HashSet<>();
      for (VersionInfo version : shared.versions()) {
        stored.add(opened.get("shared", version.version()).credential().field(Credential.SMTP_PASSWORD).orElseThrow());
      }
      Set<String> written = new HashSet<>();
      for (int i = DISTINCT_WRITERS; i < DISTINCT_WRITERS + SAME_ENTRY_WRITERS; i++) {
        written.add("password-of-writer-" + i);
      }
      assertThat(stored).isEqualTo(written);
      assertThat(shared.labelled(Label.CURRENT).orElseThrow().version()).isEqualTo(SAME_ENTRY_WRITERS);
      assertThat(shared.labelled(Label.PREVIOUS).orElseThrow().version()).isEqualTo(SAME_ENTRY_WRITERS - 1);
    }
  }

  @Test
  void eachSameEntryWriterReportsADifferentVersion() {
    Set<Integer> reported = new HashSet<>();
    for (Result result : results) {
      Matcher matcher = STORED.matcher(result.err());
      if (matcher.find()) {
        reported.add(Integer.parseInt(matcher.group(1)));
      }
    }
    assertThat(reported).containsExactlyInAnyOrder(
        IntStream.rangeClosed(1, SAME_ENTRY_WRITERS).boxed().toArray(Integer[]::new));
  }

  @Test
  void theLockFileExistsWithMode0600() throws Exception {
    Path lock = vault.resolveSibling("vault.json.lock");
    assertThat(lock).exists();
    assertThat(Fixtures.mode(lock)).isEqualTo("rw-------");
  }

  @Test
  void theVaultFolderHoldsOnlyTheVaultItsLockAndTheKey() throws Exception {
    assertThat(Fixtures.names(vault.getParent())).containsExactly("vault.json", "vault.json.lock", "vault.key");
    assertThat(Fixtures.mode(vault)).isEqualTo("rw-------");
  }
}
