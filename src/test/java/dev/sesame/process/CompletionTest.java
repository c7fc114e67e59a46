package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.cli.CommandFactory;
import dev.sesame.cli.SesameCommand;
import dev.sesame.testing.ChildJava;
import dev.sesame.vault.KeySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The bash completion users source: picocli's generated script plus scripts/completion-entries.bash,
 * assembled as `mvn package` does, driven by bash the way readline does (COMP_WORDS, COMP_CWORD)
 * against a real `sesame` on PATH and a real key-file vault.
 */
class CompletionTest {
  @TempDir
  Path dir;
  private Path script;
  private Path vault;
  private Path keyFile;

  @BeforeEach
  void assembleTheScriptAndAVault() throws Exception {
    String generated = AutoComplete.bash("sesame", new CommandLine(new SesameCommand(), new CommandFactory()));
    script = dir.resolve("sesame_completion");
    Files.writeString(script, generated + Files.readString(Path.of("scripts/completion-entries.bash")));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path sesame = bin.resolve("sesame");
    Files.writeString(sesame, "#!/bin/sh\nexec " + ChildJava.shellCommand("dev.sesame.cli.Main") + " \"$@\"\n");
    sesame.toFile().setExecutable(true);
    vault = dir.resolve("vault.json");
    keyFile = dir.resolve("vault.key");
    KeySource key = Fixtures.keyFile(keyFile);
    Fixtures.createVault(vault, key, 3);
    Fixtures.put(vault, key, "prod-mail", Fixtures.smtp("secret-one"));
    Fixtures.put(vault, key, "relay", Fixtures.smtp("secret-two"));
  }

  @Test
  void theNameOfAnEntryCompletesFromTheVault() throws Exception {
    assertThat(complete("sesame", "get", "")).containsExactly("prod-mail", "relay");
    assertThat(complete("sesame", "rotate", "pr")).containsExactly("prod-mail");
    assertThat(complete("sesame", "render", "--entry", "re")).containsExactly("relay");
  }

  @Test
  void optionValuesComeFromTheirClosedSets() throws Exception {
    assertThat(complete("sesame", "get", "relay", "--field", "smtp_p")).containsExactlyInAnyOrder("smtp_password", "smtp_port");
    assertThat(complete("sesame", "get", "relay", "--label", "")).containsExactlyInAnyOrder("current", "pending", "previous");
    assertThat(complete("sesame", "get", "relay", "--output", "")).containsExactlyInAnyOrder("value", "json", "env");
    assertThat(complete("sesame", "render", "--format", "exim-")).contains("exim-passwd");
    assertThat(complete("sesame", "ro")).containsExactly("rotate");
  }

  @Test
  void aVaultThatWouldAskForAPassphraseCompletesNothingAndNeverPrompts() throws Exception {
    Files.delete(keyFile);
    assertThat(complete("sesame", "get", "")).isEmpty();
  }

  /** COMPREPLY after bash's completion function ran on WORDS, the last being the word under the cursor. */
  private List<String> complete(String... words) throws Exception {
    StringBuilder array = new StringBuilder();
    for (String word : words) {
      array.append('\'').append(word).append("' ");
    }
    String program = "source '" + script + "'\n"
        + "COMP_WORDS=(" + array + ")\nCOMP_CWORD=" + (words.length - 1) + "\n"
        + "COMP_LINE=\"${COMP_WORDS[*]}\"\nCOMP_POINT=${#COMP_LINE}\n"
        + "_complete_sesame_with_entries\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", program)
        .redirectError(ProcessBuilder.Redirect.DISCARD); // bash notes compopt outside readline
    builder.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    builder.environment().put("SESAME_VAULT", vault.toString());
    builder.environment().put("SESAME_KEY_FILE", keyFile.toString());
    builder.environment().put("SESAME_TRUST_FILE", dir.resolve("no-trust-file").toString());
    builder.environment().remove("SESAME_STORE");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }
}
