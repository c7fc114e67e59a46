package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vault reached through a symbolic link is the same vault as through its real path: writers
 * going through both names at the same instant (separate JVMs, released together) all land in
 * the real file, take one lock, and leave the link a link. Before, a write through the link
 * replaced the link with a new regular file and locked a different lock file.
 */
class VaultSymlinkTest {
  private static final int WRITERS_PER_PATH = 3;

  @TempDir
  static Path dir;

  private static Path realVault;
  private static Path link;
  private static Path linkedFolderVault;
  private static KeySource key;
  private static final List<Result> results = new ArrayList<>();

  @BeforeAll
  static void writersThroughTheRealPathTheLinkAndALinkedFolderAtOnce() throws Exception {
    Path vaultDir = Files.createDirectory(dir.resolve("srv"));
    Path signals = Files.createDirectory(dir.resolve("signals"));
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Path etc = Files.createDirectory(dir.resolve("etc"));
    realVault = vaultDir.resolve("vault.json");
    link = Files.createSymbolicLink(etc.resolve("vault.json"), Path.of("../srv/vault.json"));
    linkedFolderVault = Files.createSymbolicLink(dir.resolve("linked-srv"), vaultDir).resolve("vault.json");
    Path keyFile = dir.resolve("vault.key");
    key = Fixtures.keyFile(keyFile);
    Fixtures.createVault(realVault, key, 5);

    SesameProcess sesame = SesameProcess.withTmpDir(tmp).workDir(dir);
    List<Path> paths = List.of(realVault, link, linkedFolderVault);
    List<StartTogether.Run> runs = new ArrayList<>();
    for (int i = 0; i < WRITERS_PER_PATH * paths.size(); i++) {
      runs.add(StartTogether.Run.put("entry" + i, "user" + i, "password-" + i, paths.get(i % paths.size()), keyFile));
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
  void everyEntryIsInTheRealVaultWhicheverNameWroteIt() throws Exception {
    try (Vault opened = Vault.open(realVault, List.of(key))) {
      for (int i = 0; i < results.size(); i++) {
        assertThat(opened.get("entry" + i, Label.CURRENT).credential().field(Credential.SMTP_PASSWORD))
            .contains("password-" + i);
      }
    }
  }

  @Test
  void theLinkIsStillALinkToTheRealVault() throws Exception {
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(link.toRealPath()).isEqualTo(realVault.toRealPath());
    assertThat(Fixtures.names(link.getParent())).containsExactly("vault.json");
  }

  @Test
  void oneLockFileBesideTheRealVaultAndNoStrayTempFiles() throws Exception {
    assertThat(Fixtures.names(realVault.getParent())).containsExactly("vault.json", "vault.json.lock");
    assertThat(Fixtures.mode(realVault)).isEqualTo("rw-------");
  }

  @Test
  void readingThroughTheLinkSeesTheSameVault() {
    SesameProcess sesame = SesameProcess.withTmpDir(dir.resolve("tmp")).workDir(dir);
    Result got = sesame.run("get", "entry0", "--vault", link.toString(), "--key-file", dir.resolve("vault.key").toString());
    assertThat(got.exitCode()).as(got.toString()).isZero();
    assertThat(got.out()).isEqualTo("password-0\n");
  }
}
