package dev.sesame.cli;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

/**
 * Builds the command tree picocli parses a command line with. picocli reflects over every option
 * and mixin of every verb it is given: the whole tree costs about 0.3 s of start-up CPU on a 2-core
 * machine, one verb about half of that. So a command line that starts with a verb's name (after
 * {@code --debug}, the one root option that may come first) gets the root with that verb alone.
 * Anything else gets the whole tree: no verb, {@code --help}, {@code --version}, {@code help}, an
 * {@code @file}, or a mistyped verb that picocli should answer with the verbs it knows.
 */
final class CommandTree {
  private CommandTree() {}

  static CommandLine forArgs(String[] args, IFactory factory) throws Exception {
    Optional<Class<?>> verb = verbNamedBy(args);
    if (verb.isEmpty()) {
      return new CommandLine(new SesameCommand(), factory);
    }
    CommandLine root = new CommandLine(new RootCommand(), factory);
    // Named by its @Command annotation, as picocli names the verbs of SesameCommand.
    root.addSubcommand(factory.create(verb.get()));
    return root;
  }

  /** The verb class ARGS name, when they start with the name of one; empty otherwise. */
  static Optional<Class<?>> verbNamedBy(String[] args) {
    int first = args.length > 0 && args[0].equals("--debug") ? 1 : 0;
    if (first >= args.length) {
      return Optional.empty();
    }
    String name = args[first];
    return Arrays.stream(SesameCommand.class.getAnnotation(Command.class).subcommands())
        .filter(verb -> verb != CommandLine.HelpCommand.class
            && names(verb.getAnnotation(Command.class)).anyMatch(name::equals))
        .findFirst();
  }

  private static Stream<String> names(Command command) {
    return Stream.concat(Stream.of(command.name()), Arrays.stream(command.aliases()));
  }
}
