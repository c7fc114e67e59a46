package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passphrase policy, KDF caps and the vault's canonical form, through the CLI and its exit codes. */
class PassphraseAndKdfCliTest {
  private static final String STRONG = "copper violin meadow fractal";

  @TempDir
  Path dir;

  private Path vault;
  private SesameCli sesame;

  @BeforeEach
  void setUp() throws Exception {
    vault = dir.resolve("vault.json");
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")));
  }

  private Result init(byte[] passphraseLine, String... extra) {
    List<String> args = new ArrayList<>(List.of("init", "--vault", vault.toString(), "--passphrase-stdin"));
    args.addAll(Fixtures.FAST_KDF_FLAGS);
    args.addAll(List.of(extra));
    return sesame.runWithStdin(passphraseLine, args.toArray(String[]::new));
  }

  private static byte[] line(String text) {
    return (text + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void usage(Result result, String message) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.errLines()).as(result.toString()).hasSize(1);
    assertThat(result.err()).startsWith("sesame: ").contains(message);
  }

  @Test
  void aWeakNewPassphraseIsAUsageErrorThatNeverQuotesIt() {
    Result result = init(line("hunter2"));
    usage(result, "the new passphrase has 7 characters; at least 12 are needed");
    assertThat(result.err()).doesNotContain("hunter2");
    assertThat(vault).doesNotExist();

    Result guessable = init(line("password12345678"));
    usage(guessable, "the new passphrase is too easy to guess");
    assertThat(guessable.err()).doesNotContain("password12345678");
  }

  @Test
  void allowWeakPassphraseAcceptsAWeakOneAndItOpensTheVault() {
    Result result = init(line("hunter2"), "--allow-weak-passphrase");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    Result list = sesame.runWithStdin("hunter2\n", "list", "--vault", vault.toString(), "--passphrase-stdin");
    assertThat(list.exitCode()).as(list.toString()).isZero();
  }

  @Test
  void aStrongPassphraseNeedsNoOverride() {
    Result result = init(line(STRONG));
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  @Test
  void nulAndInvalidUtf8AreRefusedEvenWithTheOverride() {
    usage(init(line("copper violin\0meadow fractal"), "--allow-weak-passphrase"), "contains a NUL byte");
    ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
    latin1.writeBytes("copper violin meadow fr".getBytes(StandardCharsets.UTF_8));
    latin1.write(0xe4); // "ä" in Latin-1: not UTF-8
    latin1.writeBytes("ctal\n".getBytes(StandardCharsets.UTF_8));
    usage(init(latin1.toByteArray(), "--allow-weak-passphrase"), "passphrase on standard input is not valid UTF-8");
  }

  @Test
  void passwdAppliesThePolicyToTheNewPassphrase() {
    assertThat(init(line(STRONG)).exitCode()).isZero();
    Result result = sesame.runWithStdin(STRONG + "\nshort\n", "passwd", "--add", "--new-passphrase-stdin",
        "--kdf-memory", "8", "--kdf-iterations", "1", "--vault", vault.toString(), "--passphrase-stdin");
    usage(result, "the new passphrase has 5 characters");
  }

  @Test
  void kdfCostsBeyondTheCapsAreUsageErrorsAtInit() {
    usage(sesame.runWithStdin(line(STRONG), "init", "--vault", vault.toString(), "--passphrase-stdin",
        "--kdf-memory", "2048"), "--kdf-memory must be 8..1024 MiB");
    usage(sesame.runWithStdin(line(STRONG), "init", "--vault", vault.toString(), "--passphrase-stdin",
        "--kdf-iterations", "17"), "--kdf-iterations must be 1..16");
    assertThat(vault).doesNotExist();
  }

  @Test
  void aSlotEditedBeyondTheCapsOrWithAShortSaltExits3() throws Exception {
    assertThat(init(line(STRONG)).exitCode()).isZero();
    String text = Files.readString(vault);
    for (String edited : List.of(
        text.replace("\"m\" : \"8192\"", "\"m\" : \"4194304\""),
        text.replace("\"t\" : \"1\"", "\"t\" : \"64\""),
        text.replaceFirst("\"salt\" : \"[^\"]+\"", "\"salt\" : \"AAAA\""))) {
      assertThat(edited).isNotEqualTo(text);
      Files.writeString(vault, edited);
      Result result = sesame.runWithStdin(STRONG + "\n", "list", "--vault", vault.toString(), "--passphrase-stdin");
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
      assertThat(result.errLines()).hasSize(1);
      assertThat(result.err()).startsWith("sesame: vault file is damaged");
    }
  }

  @Test
  void aVaultWithAByteOrderMarkExits3() throws Exception {
    assertThat(init(line(STRONG)).exitCode()).isZero();
    Files.writeString(vault, "\uFEFF" + Files.readString(vault));
    Result result = sesame.runWithStdin(STRONG + "\n", "list", "--vault", vault.toString(), "--passphrase-stdin");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.err()).contains("not in canonical form");
  }
}
