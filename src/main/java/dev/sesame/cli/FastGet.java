package dev.sesame.cli;

import dev.sesame.crypto.CryptoStartup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A picocli-free path for the plainest `get` calls, which pipelines make most often. picocli is
 * compiled for Java 5, so the class-data archive cannot hold it, and building its model costs
 * more than the rest of `get` together (design.md section 8). This parser accepts only
 * `get NAME [--field F] [--label L] [--output value|json|env] [--prefix P] [--vault V] [--key-file K]`
 * (also in --opt=value form) and fills the same {@link GetCommand} picocli would; anything else, including help,
 * passphrase options, --debug, the store ($SESAME_STORE or --store) and every mistake, goes to picocli for its
 * full handling.
 */
final class FastGet {
  private FastGet() {}

  static Optional<Integer> tryRun(Invocation invocation, String[] args) {
    Optional<GetCommand> command = parse(invocation, args);
    if (command.isEmpty()) {
      return Optional.empty();
    }
    // Bouncy Castle's set-up (~30 ms) runs beside the file reading and JSON parsing below.
    CryptoStartup.beginInBackground();
    try {
      return Optional.of(command.get().call());
    } catch (Exception failure) {
      return Optional.of(Failures.report(invocation.err(), failure, false));
    }
  }

  static Optional<GetCommand> parse(Invocation invocation, String[] args) {
    if (args.length < 2 || !args[0].equals("get") || EntryStoreOptions.given(invocation.env("SESAME_STORE"))) {
      return Optional.empty();
    }
    GetCommand command = new GetCommand(invocation);
    command.field = "smtp_password";
    command.label = "current";
    command.output = GetCommand.ValueFormat.value;
    command.prefix = EnvNames.DEFAULT_PREFIX;
    command.entries = new EntryStoreOptions();
    command.entries.vault = new VaultOptions(invocation);
    command.entries.vault.lockTimeoutSeconds = 30;
    command.entries.vault.keys = new KeyOptions(invocation);
    command.entries.vault.vault = pathOrNull(invocation.env("SESAME_VAULT"));
    command.entries.vault.keys.keyFile = pathOrNull(invocation.env("SESAME_KEY_FILE"));
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        if (command.name != null) {
          return Optional.empty();
        }
        command.name = arg;
        continue;
      }
      String option = arg;
      String value;
      int equals = arg.indexOf('=');
      if (equals > 0) {
        option = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return Optional.empty();
      }
      switch (option) {
        case "--field" -> command.field = value;
        case "--label" -> command.label = value;
        case "--vault" -> command.entries.vault.vault = Path.of(value);
        case "--key-file" -> command.entries.vault.keys.keyFile = Path.of(value);
        case "--prefix" -> command.prefix = value;
        case "--output" -> {
          if (!value.equals("value") && !value.equals("json") && !value.equals("env")) {
            return Optional.empty();
          }
          command.output = GetCommand.ValueFormat.valueOf(value);
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    // Without a key file the user may need a prompt or stdin handling: leave that to picocli.
    if (command.name == null || command.entries.vault.keys.keyFile() == null) {
      return Optional.empty();
    }
    return Optional.of(command);
  }

  private static Path pathOrNull(String value) {
    return value == null || value.isEmpty() ? null : Path.of(value);
  }
}
