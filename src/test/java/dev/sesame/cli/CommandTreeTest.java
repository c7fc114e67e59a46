package dev.sesame.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * A command line that names a verb is parsed by a tree holding that verb alone: the same usage
 * text, the same options (the inherited --debug too), the same parse; anything else gets every verb.
 */
class CommandTreeTest {
  private static final Invocation NO_ENV = Invocation.of(Map.of(), java.io.InputStream.nullInputStream(),
      java.io.OutputStream.nullOutputStream(), java.io.OutputStream.nullOutputStream());
  private static final CommandLine WHOLE = Main.commandLine(NO_ENV);

  @ParameterizedTest
  @ValueSource(strings = {"put", "--debug put", "audit verify", "ses-domains --help", "rotate prod"})
  void aLineThatNamesAVerbGetsThatVerbAlone(String line) {
    CommandLine tree = Main.commandLine(NO_ENV, line.split(" "));
    String verb = line.replace("--debug ", "").split(" ")[0];
    assertThat(tree.getSubcommands()).containsOnlyKeys(verb);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--help", "--version", "-h", "help", "help put", "pt", "@args.txt", "--debug",
      "--debug --help", "prod put"})
  void anyOtherLineGetsTheWholeTree(String line) {
    assertThat(CommandTree.verbNamedBy(line.isEmpty() ? new String[0] : line.split(" "))).isEmpty();
  }

  @Test
  void theWholeTreeHoldsEveryVerb() {
    assertThat(WHOLE.getSubcommands()).containsKeys("init", "put", "get", "list", "rotate", "help", "ses-domains")
        .hasSize(SesameCommand.class.getAnnotation(CommandLine.Command.class).subcommands().length);
    assertThat(Main.commandLine(NO_ENV, "--help").getSubcommands()).hasSameSizeAs(WHOLE.getSubcommands());
  }

  @Test
  void theVerbAloneHasTheSameUsageAndOptionsAsInTheWholeTree() {
    for (String verb : WHOLE.getSubcommands().keySet()) {
      if (verb.equals("help")) {
        continue;
      }
      CommandLine alone = Main.commandLine(NO_ENV, verb).getSubcommands().get(verb);
      CommandLine within = WHOLE.getSubcommands().get(verb);
      assertThat(alone.getUsageMessage(Ansi.OFF)).as(verb).isEqualTo(within.getUsageMessage(Ansi.OFF));
      assertThat(alone.getCommandSpec().qualifiedName()).isEqualTo("sesame " + verb);
    }
  }

  @Test
  void debugIsInheritedWhicheverSideOfTheVerbItIsOn() {
    for (List<String> line : List.of(List.of("--debug", "list"), List.of("list", "--debug"))) {
      CommandLine.ParseResult parsed = Main.commandLine(NO_ENV, line.toArray(String[]::new))
          .parseArgs(line.toArray(String[]::new));
      boolean debug = parsed.hasMatchedOption("--debug")
          || parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug");
      assertThat(debug).as(String.join(" ", line)).isTrue();
    }
  }
}
