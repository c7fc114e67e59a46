package dev.sesame.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The help every user reads first, and the man pages picocli generates from the same model: every
 * option and parameter described, each summary a whole sentence, no placeholder eaten by picocli's
 * ${...} interpolation, and the exit codes listed.
 */
class HelpTextTest {
  private final CommandLine root = Main.commandLine(Invocation.system());

  @Test
  void everyOptionAndParameterOfEveryCommandIsDescribed() {
    List<String> bare = new ArrayList<>();
    for (CommandLine command : commands(root)) {
      CommandSpec spec = command.getCommandSpec();
      List<ArgSpec> args = new ArrayList<>(spec.options());
      args.addAll(spec.positionalParameters());
      for (ArgSpec arg : args) {
        String text = String.join(" ", arg.description()).strip();
        if (text.isEmpty()) {
          bare.add(spec.qualifiedName() + " " + (arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel()));
        }
      }
    }
    assertThat(bare).as("options and parameters without a description").isEmpty();
  }

  @Test
  void everySummaryIsAWholeSentence() {
    List<String> cut = new ArrayList<>();
    for (CommandLine command : commands(root)) {
      String[] description = command.getCommandSpec().usageMessage().description();
      if (description.length == 0 || !description[0].strip().endsWith(".")) {
        cut.add(command.getCommandSpec().qualifiedName() + ": " + (description.length == 0 ? "(none)" : description[0]));
      }
    }
    assertThat(cut).as("summaries (the first line, shown in 'sesame --help') that stop mid-sentence").isEmpty();
  }

  @Test
  void noPlaceholderIsSwallowedByInterpolation() {
    for (CommandLine command : commands(root)) {
      String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF)
          .replace("$" + "{field}", "").replace("$" + "{NAME.field}", "");
      assertThat(help).as(command.getCommandSpec().qualifiedName()).doesNotContain("null").doesNotContain("${");
    }
    assertThat(commandNamed("render").getUsageMessage(CommandLine.Help.Ansi.OFF)).contains("$" + "{field}");
  }

  @Test
  void theTopLevelHelpListsEveryExitCode() {
    StringWriter out = new StringWriter();
    root.usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
    for (String code : List.of("0    ok", "1    error", "2    usage", "3    wrong key", "4    not found",
        "5    locked", "6    check failed", "7    AWS error", "8    SMTP verification failed", "9    changes pending",
        "10   restart or health check failed", "11   scan", "126  exec",
        "127  exec")) {
      assertThat(out.toString()).contains(code);
    }
  }

  @Test
  void completionOffersTheClosedSetsOfValues() {
    Map<String, List<String>> expected = Map.of(
        "render --format", List.of("php", "shell", "env", "json", "exim-passwd", "postfix", "exim", "raw"),
        "get --field", List.of("smtp_host", "smtp_password", "secret_access_key", "created_at"),
        "get --label", List.of("current", "pending", "previous"),
        "exec --label", List.of("current", "pending", "previous"),
        "get --output", List.of("value", "json", "env"),
        "doctor --output", List.of("table", "json"),
        "render --kind", List.of("file", "cpanel-exim-local"));
    expected.forEach((where, values) -> {
      String[] parts = where.split(" ");
      OptionSpec option = commandNamed(parts[0]).getCommandSpec().findOption(parts[1]);
      List<String> candidates = new ArrayList<>();
      option.completionCandidates().forEach(candidates::add);
      assertThat(candidates).as(where).containsAll(values);
    });
  }

  private CommandLine commandNamed(String name) {
    return root.getSubcommands().get(name);
  }

  private static List<CommandLine> commands(CommandLine top) {
    List<CommandLine> all = new ArrayList<>();
    all.add(top);
    for (CommandLine sub : top.getSubcommands().values()) {
      if (!sub.getCommandName().equals("help")) {
        all.addAll(commands(sub));
      }
    }
    return all;
  }
}
