package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.testing.ChildJava;
import dev.sesame.vault.KeySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not what they should be, given to the CLI as users do: a FIFO, a directory or a
 * device where a vault, key file, passphrase file, template or targets file belongs. Each is
 * refused with one line and a documented exit code, and nothing hangs (the child is killed, and
 * the test fails, after 30 s; before this, every one of these hung forever).
 */
class HostileFilesCliTest {
  private static final String PASSWORD = "relay-password/with+slash=";

  @TempDir
  Path dir;

  private Path vault;
  private Path key;
  private Path fifo;
  private SesameProcess sesame;

  @BeforeEach
  void vaultKeyAndFifo() throws Exception {
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    KeySource source = Fixtures.keyFile(key);
    Fixtures.createVault(vault, source, 5);
    Fixtures.put(vault, source, "relay", Fixtures.smtp(PASSWORD));
    sesame = SesameProcess.withTmpDir(Files.createDirectory(dir.resolve("tmp"))).workDir(dir)
        .timeout(Duration.ofSeconds(30));
  }

  private static void refused(Result result, int exitCode, String message) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(exitCode);
    assertThat(result.errLines()).as(result.toString()).hasSize(1);
    assertThat(result.err()).startsWith("sesame: ").contains(message);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aFifoAsTheVaultIsRefusedByGetListAndPut() {
    String notRegular = "vault " + fifo + " is a named pipe (FIFO), not a regular file";
    refused(sesame.run("get", "relay", "--vault", fifo.toString(), "--key-file", key.toString()), 1, notRegular);
    refused(sesame.run("list", "--vault", fifo.toString(), "--key-file", key.toString()), 1, notRegular);
    refused(sesame.runWithStdin("pw\n", "put", "other", "--host", "h.example", "--port", "587",
        "--smtp-username", "u", "--smtp-password-stdin", "--vault", fifo.toString(), "--key-file", key.toString()),
        1, notRegular);
  }

  @Test
  void aDirectoryAsTheVaultIsRefused() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("folder.json"));
    refused(sesame.run("get", "relay", "--vault", folder.toString(), "--key-file", key.toString()), 1,
        "vault " + folder + " is a directory, not a regular file");
  }

  @Test
  void aFifoAsTheKeyFileIsRefused() {
    refused(sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", fifo.toString()), 1,
        "key file " + fifo + " is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aDeviceAsTheKeyFileIsRefused() {
    refused(sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", "/dev/zero"), 1,
        "key file /dev/zero is a character device, not a regular file");
  }

  @Test
  void aFifoAsThePassphraseFileIsRefusedWithTheWayToPipeOne() {
    refused(sesame.run("get", "relay", "--vault", vault.toString(), "--passphrase-file", fifo.toString()), 1,
        "passphrase file " + fifo + " is a named pipe (FIFO), not a regular file; to pipe a passphrase,"
            + " use --passphrase-stdin");
  }

  @Test
  void aPassphraseFileReadableByOthersIsRefusedLikeAKeyFile() throws Exception {
    Path file = Files.writeString(dir.resolve("pass.txt"), "some passphrase\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    refused(sesame.run("get", "relay", "--vault", vault.toString(), "--passphrase-file", file.toString()), 1,
        "passphrase file " + file + " is accessible to group or others (mode rw-r--r--); run: chmod 600 " + file);
  }

  @Test
  void aFifoAsTheTemplateIsRefused() {
    refused(sesame.run("render", "--entry", "relay", "--template", fifo.toString(), "--format", "raw",
        "--stdout", "--vault", vault.toString(), "--key-file", key.toString()), 1,
        "template " + fifo + " is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aFifoAsTheTargetsFileIsRefused() {
    refused(sesame.run("render", "--targets", fifo.toString(), "--vault", vault.toString(), "--key-file",
        key.toString()), 1, "targets file " + fifo + " is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aFifoAsTheLockFileIsRefused() throws Exception {
    Path lock = dir.resolve("vault.json.lock");
    Files.deleteIfExists(lock);
    Process mkfifo = new ProcessBuilder("mkfifo", lock.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    refused(sesame.run("rm", "relay", "--vault", vault.toString(), "--key-file", key.toString()), 1,
        "lock file " + lock + " is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aNegativeLockTimeoutIsAUsageError() {
    refused(sesame.run("rm", "relay", "--lock-timeout", "-1", "--vault", vault.toString(), "--key-file",
        key.toString()), 2, "--lock-timeout must be 0..86400 seconds");
  }

  @Test
  void aValueWithControlCharactersReachesAPipeExactly() throws Exception {
    KeySource source = Fixtures.keyFile(key);
    Fixtures.put(vault, source, "ansi", Fixtures.smtp("pw\u001b[2J\rred"));
    Result result = sesame.run("get", "ansi", "--vault", vault.toString(), "--key-file", key.toString());
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).isEqualTo("pw\u001b[2J\rred\n".getBytes(StandardCharsets.UTF_8));
    assertThat(result.err()).isEmpty();
  }

  @Test
  void aValueWithControlCharactersIsEscapedOnATerminal() throws Exception {
    KeySource source = Fixtures.keyFile(key);
    Fixtures.put(vault, source, "ansi", Fixtures.smtp("pw\u001b[2J\rred"));
    byte[] screen = onTerminal(List.of("get", "ansi", "--vault", vault.toString(), "--key-file", key.toString()));
    String shown = new String(screen, StandardCharsets.UTF_8);
    assertThat(shown).contains("pw\\x1b[2J\\x0dred").contains("shown here as \\xNN");
    assertThat(screen).doesNotContain((byte) 0x1b);
  }

  /** Runs the CLI with stdout and stderr on a pseudo-terminal (util-linux script(1)); returns what it showed. */
  private byte[] onTerminal(List<String> args) throws Exception {
    StringBuilder command = new StringBuilder();
    command.append(ChildJava.shellCommand(SesameProcess.CLI_MAIN));
    for (String arg : args) {
      command.append(' ').append(quote(arg));
    }
    Process script = new ProcessBuilder("script", "-qec", command.toString(), "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    script.getOutputStream().close();
    byte[] screen = script.getInputStream().readAllBytes();
    assertThat(script.waitFor()).isZero();
    return screen;
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
