package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.vault.KeySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** design.md section 6: exit codes and one clear line on stderr, seen from outside the JVM. */
class ExitCodesEndToEndTest {
  private static final String PASSWORD = "relay-password-0123";

  @TempDir
  Path dir;

  private Path vault;
  private Path key;
  private SesameCli sesame;

  @BeforeEach
  void createVaultWithOneEntry() throws Exception {
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    KeySource source = Fixtures.keyFile(key);
    Fixtures.createVault(vault, source, 5);
    Fixtures.put(vault, source, "relay", Fixtures.smtp(PASSWORD));
    sesame = SesameCli.withTmpDir(tmp);
  }

  @Test
  void theRightKeyFileExitsZeroAndPrintsOnlyTheValue() {
    Result result = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo(PASSWORD + "\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void aWrongKeyFileExits3WithOneLine() throws Exception {
    Path otherKey = dir.resolve("other.key");
    Fixtures.keyFile(otherKey);

    Result result = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", otherKey.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertOneSesameLine(result);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aWrongPassphraseExits3WithOneLine() throws Exception {
    Path passphraseVault = dir.resolve("pass.json");
    Fixtures.createVault(passphraseVault, Fixtures.passphrase("the right passphrase"), 5);

    Result result = sesame.runWithStdin("not the passphrase\n", "list", "--vault", passphraseVault.toString(),
        "--passphrase-stdin");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertOneSesameLine(result);
  }

  @Test
  void aTamperedCiphertextExits3WithOneLine() throws Exception {
    String text = Files.readString(vault);
    int sealed = text.indexOf("\"sealed\"");
    int firstChar = text.indexOf('"', text.indexOf(':', sealed)) + 1 + 10;
    char replacement = text.charAt(firstChar) == 'A' ? 'B' : 'A';
    Files.writeString(vault, text.substring(0, firstChar) + replacement + text.substring(firstChar + 1));

    Result result = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertOneSesameLine(result);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aTamperedIndexExits3WithOneLine() throws Exception {
    String text = Files.readString(vault);
    Files.writeString(vault, text.replace("\"current\"", "\"previous\""));

    Result result = sesame.run("list", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertOneSesameLine(result);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aMissingEntryExits4WithOneLine() {
    Result result = sesame.run("get", "nosuch", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    assertOneSesameLine(result);
    assertThat(result.err()).contains("nosuch");
  }

  @Test
  void aUsageErrorExits2WithOneLineAndAHelpHint() {
    Result result = sesame.run("get", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.errLines()).hasSize(2);
    assertThat(result.errLines().get(0)).startsWith("sesame: ").contains("NAME");
    assertThat(result.errLines().get(1)).isEqualTo("Try 'sesame get --help' for more information.");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void anUnknownVerbExits2WithOneLineAndAHelpHint() {
    Result result = sesame.run("frobnicate");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.errLines()).hasSize(2);
    assertThat(result.errLines().get(0)).startsWith("sesame: ");
    assertThat(result.errLines().get(1)).isEqualTo("Try 'sesame --help' for more information.");
  }

  @Test
  void debugAddsTheStackTraceAndStillEndsWithTheOneLine() throws Exception {
    Path otherKey = dir.resolve("other.key");
    Fixtures.keyFile(otherKey);

    Result result = sesame.run("--debug", "get", "relay", "--vault", vault.toString(), "--key-file",
        otherKey.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.err()).contains("VaultException$WrongKey").contains("\tat dev.sesame.");
    List<String> lines = result.errLines();
    assertThat(lines.get(lines.size() - 1)).startsWith("sesame: wrong key");
  }

  @Test
  void debugAfterTheVerbWorksToo() throws Exception {
    Result result = sesame.run("get", "nosuch", "--debug", "--vault", vault.toString(), "--key-file",
        key.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    assertThat(result.err()).contains("\tat dev.sesame.");
  }

  @Test
  void aKeyFileReadableByOthersIsRefusedWithTheChmodToRun() throws Exception {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    Result result = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    // Exit 1 (error), not 3: the key may be right, the file is just too exposed to use.
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertOneSesameLine(result);
    assertThat(result.err()).contains("chmod 600 " + key);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aKeyFileReadableByGroupIsRefusedToo() throws Exception {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));

    Result result = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.err()).contains("chmod 600");
  }

  @Test
  void aReadOnlyKeyFile0400IsAccepted() throws Exception {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));

    Result result = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  /** Exactly one line, "sesame: ...", and nothing that looks like a stack trace. */
  private static void assertOneSesameLine(Result result) {
    List<String> lines = new ArrayList<>(result.errLines());
    assertThat(lines).as(result.toString()).hasSize(1);
    assertThat(lines.get(0)).startsWith("sesame: ");
    assertThat(new String(result.stderr(), StandardCharsets.UTF_8)).doesNotContain("\tat ").doesNotContain("Exception");
  }
}
