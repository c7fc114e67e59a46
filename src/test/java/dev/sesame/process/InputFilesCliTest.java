package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files named on the command line: a missing one is exit 4 naming the option; TOML errors say where. */
class InputFilesCliTest {
  @TempDir
  Path dir;
  private Path vault;
  private Path key;
  private SesameCli sesame;

  @BeforeEach
  void vaultWithAnEntry() throws Exception {
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    Fixtures.createVault(vault, Fixtures.keyFile(key), 5);
    Fixtures.put(vault, Fixtures.keyFile(key), "relay", Fixtures.smtp("pw"));
    sesame = SesameCli.withTmpDir(Files.createDirectories(dir.resolve("tmp")));
  }

  @Test
  void aMissingTargetsFileTemplateOrPassphraseFileIsExit4NamingTheOption() {
    Path missing = dir.resolve("missing");
    assertNotFound(sesame.run("render", "--targets", missing.toString(), "--vault", vault.toString(), "--key-file",
        key.toString()), "sesame: --targets: " + missing + " does not exist");
    assertNotFound(sesame.run("render", "--entry", "relay", "--template", missing.toString(), "--format", "raw",
        "--stdout", "--vault", vault.toString(), "--key-file", key.toString()),
        "sesame: --template: " + missing + " does not exist");
    assertNotFound(sesame.run("get", "relay", "--vault", vault.toString(), "--passphrase-file", missing.toString()),
        "sesame: --passphrase-file: " + missing + " does not exist");
    assertNotFound(sesame.run("rotate", "relay", "--targets", missing.toString(), "--vault", vault.toString(),
        "--key-file", key.toString()), "sesame: --targets: " + missing + " does not exist");
  }

  @Test
  void aTomlErrorCarriesTheParsersLineAndColumn() throws Exception {
    Path targets = Files.writeString(dir.resolve("targets.toml"),
        "[[target]]\nentry = \"relay\"\nformat = \"raw\n");
    SesameCli.Result result = render(targets);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.err()).startsWith("sesame: targets file " + targets + ": line 3, column ");
  }

  @Test
  void everyWrongSpellingOfModeIsAnsweredWithTheOneThatWorks() throws Exception {
    for (String mode : new String[] {"0640", "0o640", "640", "\"640\"", "\"0o640\""}) {
      Path targets = Files.writeString(dir.resolve("targets.toml"), "[[target]]\nentry = \"relay\"\n"
          + "template = \"t\"\nout = \"o\"\nformat = \"raw\"\nmode = " + mode + "\n");
      SesameCli.Result result = render(targets);
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
      assertThat(result.errLines()).as(mode).hasSize(1);
      assertThat(result.err()).as(mode).contains("write mode = \"0640\" (a quoted octal string of four digits)")
          .doesNotContain("0o");
    }
  }

  private SesameCli.Result render(Path targets) {
    return sesame.run("render", "--targets", targets.toString(), "--vault", vault.toString(), "--key-file",
        key.toString());
  }

  private static void assertNotFound(SesameCli.Result result, String line) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    assertThat(result.errLines()).containsExactly(line);
  }
}
