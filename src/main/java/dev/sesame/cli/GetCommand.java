package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryVersion;
import dev.sesame.vault.Label;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Print one field of an entry (default: the SMTP password).",
        "Prints to standard output; --output json prints the whole version."})
final class GetCommand implements Callable<Integer> {
  private final Invocation io;

  GetCommand(Invocation io) {
    this.io = io;
  }

  /** What `get` prints: the value alone, one JSON object, or shell assignments. */
  enum ValueFormat { value, json, env }

  @Parameters(index = "0", paramLabel = "NAME", description = "Entry name.")
  String name;

  @Option(names = "--field", paramLabel = "FIELD", defaultValue = "smtp_password",
      completionCandidates = CompletionValues.FieldNames.class,
      description = "smtp_host, smtp_port, smtp_username, smtp_password, region, iam_user, access_key_id, "
          + "secret_access_key or created_at (default: ${DEFAULT-VALUE}).")
  String field;

  @Option(names = "--label", paramLabel = "LABEL", defaultValue = "current",
      completionCandidates = CompletionValues.Labels.class,
      description = "current, pending or previous (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "value",
      description = "value, json, or env (SMTP_HOST='...' lines for sh; default: ${DEFAULT-VALUE}).")
  ValueFormat output;

  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = EnvNames.DEFAULT_PREFIX,
      description = "Variable prefix for --output env (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Mixin
  EntryStoreOptions entries;

  @Override
  public Integer call() throws Exception {
    Label wanted = Label.parse(label);
    checkField(field);
    try (EntryStore store = entries.openToRead()) {
      EntryVersion version = store.read(name, wanted);
      if (output == ValueFormat.json) {
        io.out().println(json(version));
        return ExitCode.OK;
      }
      return printFields(version.allFields(), "entry " + name + " (" + version.credential().type().wireName() + ")");
    }
  }

  /** --output env (sh-quoted lines) or the one --field; WHAT names the source in the not-found message. */
  private int printFields(Map<String, String> fields, String what) throws UserError {
    if (output == ValueFormat.env) {
      for (Map.Entry<String, String> variable : EnvNames.of(prefix, fields).entrySet()) {
        io.out().println(variable.getKey() + "=" + TerminalText.forStdout(io, shellWord(variable.getValue())));
      }
      return ExitCode.OK;
    }
    String value = fields.get(field);
    if (value == null) {
      throw new UserError(ExitCode.NOT_FOUND, what + " has no field " + field);
    }
    io.out().println(TerminalText.forStdout(io, value));
    return ExitCode.OK;
  }

  /** A POSIX single-quoted word; refuses what a line-based env file cannot carry. */
  private static String shellWord(String value) throws UserError {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
      throw new UserError(ExitCode.ERROR, "a field holds a line break or NUL, which --output env cannot carry");
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /**
   * One shape for both stores (README, "get --output json"): a vault version has a number and its
   * id is that number; a store version has no number (null) and Secrets Manager's version id, and
   * its staging labels in stages (empty for a vault version).
   */
  static String json(EntryVersion version) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("name", version.name());
      if (version.number().isPresent()) {
        json.writeNumberField("version", version.number().getAsInt());
      } else {
        json.writeNullField("version");
      }
      json.writeStringField("version_id", version.id());
      json.writeStringField("type", version.credential().type().wireName());
      json.writeArrayFieldStart("labels");
      for (Label label : Label.values()) {
        if (version.labels().contains(label)) {
          json.writeString(label.wireName());
        }
      }
      json.writeEndArray();
      json.writeArrayFieldStart("stages");
      for (String stage : version.stages()) {
        json.writeString(stage);
      }
      json.writeEndArray();
      json.writeObjectFieldStart("fields");
      for (Map.Entry<String, String> field : version.allFields().entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    return out.toString();
  }

  /** The field names of design.md section 5 are the only names `get --field` accepts. */
  private static void checkField(String field) throws UserError {
    if (!Credential.ALL_FIELDS.contains(field)) {
      throw new UserError(ExitCode.USAGE, "unknown field: expected one of " + String.join(", ", Credential.ALL_FIELDS));
    }
  }
}
