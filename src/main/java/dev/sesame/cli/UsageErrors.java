package dev.sesame.cli;

import dev.sesame.rotate.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * One-line messages for command-line mistakes that never repeat what was typed. picocli's own
 * messages quote the rejected words ("Unknown options: '--secret', 'X'", "'X' is not an int"),
 * and a user who typed a secret where an option was expected would find it again on the
 * terminal, in journald and in CI logs. Here a rejected word is named by its position, or by the
 * option name when it is one of this command's options or has the shape of one.
 */
final class UsageErrors {
  /** Said whenever a word was rejected: it may have been a secret typed on the command line. */
  static final String SECRET_HINT = "secrets go in on standard input or in a file (--secret-stdin,"
      + " --smtp-password-stdin, --passphrase-stdin, --passphrase-file), never as arguments:"
      + " a value typed on a command line stays in the shell history";

  private static final Pattern OPTION_SHAPE = Pattern.compile("--?[a-z][a-z0-9-]{0,40}");
  private static final Pattern OPTION_IN_MESSAGE = Pattern.compile("(?<![\\w=-])(--?[a-z][a-z0-9-]*)");

  private UsageErrors() {}

  /** The message for FAILURE, raised while parsing ARGS (the words after "sesame"). */
  static String describe(ParameterException failure, String[] args) {
    CommandSpec spec = failure.getCommandLine().getCommandSpec();
    if (failure instanceof CommandLine.UnmatchedArgumentException unmatched) {
      return unmatched(unmatched.getUnmatched(), args) + "; " + SECRET_HINT;
    }
    if (failure instanceof CommandLine.MissingParameterException) {
      // Built from the option and parameter names of the command only, never from typed values.
      return stripErrorPrefix(failure.getMessage());
    }
    if (failure instanceof CommandLine.OverwrittenOptionException overwritten) {
      return name(overwritten.getOverwritten()) + " is given more than once";
    }
    if (failure instanceof CommandLine.MutuallyExclusiveArgsException
        || failure.getMessage().contains("expected only one match")) {
      return conflicting(failure.getMessage(), args, spec);
    }
    ArgSpec arg = failure.getArgSpec();
    if (arg != null) {
      return "invalid value for " + name(arg) + ": " + expectation(arg) + "; " + SECRET_HINT;
    }
    Set<String> options = knownOptionsIn(failure.getMessage(), spec);
    return "invalid command line" + (options.isEmpty() ? "" : " (at " + String.join(", ", options) + ")")
        + "; " + SECRET_HINT;
  }

  private static String unmatched(List<String> words, String[] args) {
    List<String> parts = new ArrayList<>();
    int from = 0;
    for (String word : words) {
      int position = indexOf(args, word, from);
      if (position >= 0) {
        from = position + 1;
      }
      String optionName = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
      if (OPTION_SHAPE.matcher(optionName).matches()) {
        parts.add("unknown option " + optionName);
      } else {
        String where = position >= 0 ? "argument " + (position + 1) : "an argument";
        parts.add(where + " (not shown) was not expected");
      }
    }
    return String.join(", ", parts);
  }

  private static String conflicting(String message, String[] args, CommandSpec spec) {
    Set<String> named = knownOptionsIn(message, spec);
    List<String> repeated = named.stream().filter(option -> occurrences(args, option) > 1).toList();
    if (!repeated.isEmpty()) {
      return String.join(", ", repeated) + (repeated.size() == 1 ? " is" : " are") + " given more than once";
    }
    List<String> given = named.stream().filter(option -> occurrences(args, option) > 0).toList();
    return "these options cannot be used together: " + String.join(", ", given.isEmpty() ? named : given);
  }

  private static String expectation(ArgSpec arg) {
    Class<?> type = arg.type();
    if (type == boolean.class || type == Boolean.class) {
      return "it takes no value";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "expected a whole number";
    }
    if (type == Duration.class) {
      return "expected a duration: " + Durations.FORMS;
    }
    if (type.isEnum()) {
      return "expected one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
          .collect(Collectors.joining(", "));
    }
    Iterable<String> candidates = arg.completionCandidates();
    if (candidates != null) {
      return "expected one of " + String.join(", ", candidates);
    }
    return "see '" + arg.command().qualifiedName() + " --help'";
  }

  /** Options of SPEC named in a picocli message: names only, each checked against the command. */
  private static Set<String> knownOptionsIn(String message, CommandSpec spec) {
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = OPTION_IN_MESSAGE.matcher(message == null ? "" : message);
    while (matcher.find()) {
      OptionSpec option = spec.findOption(matcher.group(1));
      if (option != null) {
        names.add(option.longestName());
      }
    }
    return names;
  }

  private static String name(ArgSpec arg) {
    if (arg instanceof OptionSpec option) {
      return "option " + option.longestName();
    }
    return arg.paramLabel();
  }

  private static int occurrences(String[] args, String option) {
    int count = 0;
    for (String arg : args) {
      if (arg.equals(option) || arg.startsWith(option + "=")) {
        count++;
      }
    }
    return count;
  }

  private static int indexOf(String[] args, String word, int from) {
    for (int i = from; i < args.length; i++) {
      if (args[i].equals(word)) {
        return i;
      }
    }
    return -1;
  }

  private static String stripErrorPrefix(String message) {
    return message.startsWith("Error: ") ? message.substring("Error: ".length()) : message;
  }
}
