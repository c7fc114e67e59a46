package dev.sesame.cli;

import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.Label;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true,
    description = {"Run CMD with the credential in its environment only.",
        "CMD sees SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD and the other non-secret fields (SMTP_REGION, SMTP_IAM_USER, SMTP_ACCESS_KEY_ID,",
        "SMTP_CREATED_AT). The IAM secret access key only with --aws, under the AWS SDK's own names.",
        "Nothing goes on a command line, on disk or in a log. Values are passed byte for byte (UTF-8)",
        "whatever the locale. Exits with CMD's exit code; 127 when CMD is not found, 126 when it",
        "cannot be run.",
        "Example: sesame exec prod -- php artisan queue:work"})
final class ExecCommand implements Callable<Integer> {
  private final Invocation io;

  ExecCommand(Invocation io) {
    this.io = io;
  }

  /** POSIX shells' exit codes for a command that cannot be run (XCU 2.8.2, "Exit Status for Commands"). */
  static final int NOT_EXECUTABLE = 126;
  static final int NOT_FOUND = 127;

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry name.")
  String name;

  @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "Command and arguments (after --).")
  List<String> command;

  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = EnvNames.DEFAULT_PREFIX,
      description = "Variable name prefix (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--pristine", description = "Give CMD only the credential variables, nothing inherited.")
  boolean pristine;

  @Option(names = "--aws",
      description = "Also give CMD the IAM key as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION,"
          + " for programs that send through the SES API (an SMTP client never needs them).")
  boolean aws;

  @Option(names = "--label", paramLabel = "LABEL", defaultValue = "current",
      completionCandidates = CompletionValues.Labels.class,
      description = "current, pending or previous (default: ${DEFAULT-VALUE}).")
  String label;

  @Mixin
  EntryStoreOptions entries;

  @Override
  public Integer call() throws Exception {
    Map<String, String> fields;
    try (EntryStore store = entries.openToRead()) {
      fields = store.read(name, Label.parse(label)).allFields();
    }
    Map<String, String> variables = variables(fields);
    requireLosslessEnvironment(variables);
    String program = command.get(0);
    int unrunnable = unrunnable(program);
    if (unrunnable != 0) {
      io.err().println("sesame: cannot run " + program + ": "
          + (unrunnable == NOT_FOUND ? "command not found" : "not an executable file"));
      return unrunnable;
    }
    ProcessBuilder child = new ProcessBuilder(command).inheritIO();
    // This run's environment (in production the same as the JVM's, which ProcessBuilder starts from).
    child.environment().clear();
    if (!pristine) {
      child.environment().putAll(io.env());
      // The vault location and key are ours, not the child's business.
      child.environment().keySet().removeAll(List.of("SESAME_VAULT", "SESAME_KEY_FILE"));
    }
    child.environment().putAll(variables);
    Process process;
    try {
      process = child.start();
    } catch (IOException e) {
      io.err().println("sesame: cannot run " + program + ": " + reason(e));
      return NOT_EXECUTABLE;
    }
    // Java cannot exec(2) in place, so we supervise: Ctrl-C reaches the child too (same process
    // group), and our exit code is the child's.
    return process.waitFor();
  }

  /** PREFIX + every field but the secret access key; with --aws, that key under the SDK's names. */
  private Map<String, String> variables(Map<String, String> fields) throws UserError {
    Map<String, String> smtp = new LinkedHashMap<>(fields);
    smtp.remove(Credential.SECRET_ACCESS_KEY);
    Map<String, String> variables = EnvNames.of(prefix, smtp);
    if (aws) {
      String secret = fields.get(Credential.SECRET_ACCESS_KEY);
      if (secret == null) {
        throw new UserError(ExitCode.USAGE, "entry " + name + " is a manual SMTP credential with no IAM key: "
            + "--aws needs an SES entry");
      }
      variables.put("AWS_ACCESS_KEY_ID", fields.get(Credential.ACCESS_KEY_ID));
      variables.put("AWS_SECRET_ACCESS_KEY", secret);
      variables.put("AWS_REGION", fields.get(Credential.REGION));
    }
    return variables;
  }

  /**
   * JDK 17 encodes a child's environment with the default charset, which follows the locale: under
   * LANG=C every non-ASCII byte would reach the child as '?'. scripts/sesame starts the JVM with
   * -Dfile.encoding=UTF-8; a JVM started otherwise refuses rather than hand over a changed password.
   */
  private static void requireLosslessEnvironment(Map<String, String> variables) throws UserError {
    Charset encoding = Charset.defaultCharset();
    if (encoding.equals(StandardCharsets.UTF_8)) {
      return;
    }
    for (Map.Entry<String, String> variable : variables.entrySet()) {
      if (!encoding.newEncoder().canEncode(variable.getValue())) {
        throw new UserError(ExitCode.ERROR, variable.getKey() + " holds characters that this JVM's default encoding ("
            + encoding.name() + ") cannot pass on; run sesame through scripts/sesame, or give java -Dfile.encoding=UTF-8");
      }
    }
  }

  /** 127 if PROGRAM cannot be found, 126 if it is found but cannot be run, else 0 (as sh decides). */
  private int unrunnable(String program) {
    if (program.contains("/")) {
      Path path = Path.of(program);
      if (!Files.exists(path)) {
        return NOT_FOUND;
      }
      return Files.isRegularFile(path) && Files.isExecutable(path) ? 0 : NOT_EXECUTABLE;
    }
    String searchPath = io.env("PATH");
    boolean foundButNotRunnable = false;
    for (String folder : (searchPath == null ? "/usr/bin:/bin" : searchPath).split(File.pathSeparator, -1)) {
      Path candidate = Path.of(folder.isEmpty() ? "." : folder).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return 0;
      }
      foundButNotRunnable |= Files.exists(candidate);
    }
    return foundButNotRunnable ? NOT_EXECUTABLE : NOT_FOUND;
  }

  /** The OS's reason from the JDK's "Cannot run program "x": error=13, Permission denied". */
  private static String reason(IOException e) {
    String message = String.valueOf(e.getMessage());
    int comma = message.lastIndexOf(", ");
    return comma >= 0 ? message.substring(comma + 2) : "the system refused to start it";
  }
}
