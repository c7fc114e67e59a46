package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * `--output text|json` of render, rotate, revoke and status. With json, stdout carries exactly one
 * JSON object, printed at the end (also when the command fails: {@code "ok": false} with the exit
 * code and the one-line error), and every progress line goes to stderr.
 */
final class OutputOption {
  private final Invocation io;

  OutputOption(Invocation io) {
    this.io = io;
  }

  enum Format { text, json }

  /** Writes the fields of one JSON object. */
  @FunctionalInterface
  interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  // Not "FORMAT": render also has --format, and the generated completion keys value lists by label.
  @Option(names = "--output", paramLabel = "OUTPUT", defaultValue = "text",
      description = "text, or json: one JSON object on stdout at the end (also on failure: ok=false, exit_code,"
          + " error), progress on stderr. Default: text.")
  Format format = Format.text;

  boolean json() {
    return format == Format.json;
  }

  /** Where progress lines go: stderr with json (stdout holds only the object), else TEXT_DEFAULT. */
  PrintStream progress(PrintStream textDefault) {
    return json() ? io.err() : textDefault;
  }

  /** Prints {"ok": true, FIELDS...} on stdout. */
  void printSuccess(Fields fields) throws IOException {
    print(json -> {
      json.writeBooleanField("ok", true);
      fields.write(json);
    });
  }

  /** With json, prints {"ok": false, "exit_code": N, "error": "...", "command_output": [...]} for FAILURE. */
  void printFailure(Exception failure) throws IOException {
    if (!json()) {
      return;
    }
    print(json -> {
      json.writeBooleanField("ok", false);
      json.writeNumberField("exit_code", Failures.exitCodeOf(failure));
      json.writeStringField("error", Failures.oneLine(Failures.messageOf(failure)));
      List<String> output = Failures.commandOutput(failure).orElse(List.of());
      if (!output.isEmpty()) {
        json.writeArrayFieldStart("command_output");
        for (String line : output) {
          json.writeString(line);
        }
        json.writeEndArray();
      }
    });
  }

  private void print(Fields fields) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    }
    io.out().println(out);
    io.out().flush();
  }

  /** Writes NAME: [ITEMS...] as strings. */
  static void strings(JsonGenerator json, String name, List<String> items) throws IOException {
    json.writeArrayFieldStart(name);
    for (String item : items) {
      json.writeString(item);
    }
    json.writeEndArray();
  }
}
