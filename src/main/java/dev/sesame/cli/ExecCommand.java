package dev.sesame.cli;

import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VersionedCredential;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true,
    description = {"Run CMD with the credential in its environment only: SMTP_HOST, SMTP_PORT, SMTP_USERNAME,",
        "SMTP_PASSWORD and the other fields upper-cased (SMTP_REGION, SMTP_ACCESS_KEY_ID, ...).",
        "Nothing goes on a command line, on disk or in a log. Exits with CMD's exit code.",
        "Example: sesame exec prod -- php artisan queue:work"})
final class ExecCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "Command and arguments (after --).")
  List<String> command;

  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = EnvNames.DEFAULT_PREFIX,
      description = "Variable name prefix (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--pristine", description = "Give CMD only the credential variables, nothing inherited.")
  boolean pristine;

  @Option(names = "--label", paramLabel = "LABEL", defaultValue = "current",
      description = "current, pending or previous (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--store", paramLabel = "sm://PREFIX", defaultValue = "${env:SESAME_STORE}",
      description = "Take the credential from the shared Secrets Manager store instead of the vault."
          + " Default: $SESAME_STORE.")
  String store;

  @Mixin
  VaultOptions vault;

  @Mixin
  StoreProtectionOptions protection;

  @Override
  public Integer call() throws Exception {
    Map<String, String> variables;
    if (StoreOptions.given(store)) {
      variables = EnvNames.of(prefix, StoreAccess.open(store, vault.keys, protection).read(name, Label.parse(label)).allFields());
    } else {
      try (Vault opened = vault.open()) {
        VersionedCredential version = opened.get(name, Label.parse(label));
        variables = EnvNames.of(prefix, version.allFields());
      }
    }
    ProcessBuilder child = new ProcessBuilder(command).inheritIO();
    if (pristine) {
      child.environment().clear();
    } else {
      // The vault location and key are ours, not the child's business.
      child.environment().keySet().removeAll(List.of("SESAME_VAULT", "SESAME_KEY_FILE"));
    }
    child.environment().putAll(variables);
    Process process;
    try {
      process = child.start();
    } catch (IOException e) {
      throw new UserError(ExitCode.ERROR, "cannot run " + command.get(0) + ": " + e.getMessage());
    }
    // Java cannot exec(2) in place, so we supervise: Ctrl-C reaches the child too (same process
    // group), and our exit code is the child's.
    return process.waitFor();
  }
}
