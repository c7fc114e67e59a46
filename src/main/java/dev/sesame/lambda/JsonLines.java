package dev.sesame.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.vault.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the rotation function writes to stdout, which Lambda sends to CloudWatch Logs: one JSON
 * object per line. Audit records ({@code "audit": "sesame-lambda/1"}) carry what a vault's audit
 * log holds, key ids cut by {@link AuditLog#keyHint}; progress and errors are messages with
 * every AWS access key id in them cut the same way. Nothing here ever holds a secret: the
 * rotation's records and messages never do, and key ids are shortened on the way out.
 *
 * <p>No hash chain: a function instance has no disk that outlives it, and instances run one
 * after another or side by side, so a chain would restart at every cold start and prove
 * nothing. The records' integrity rests on CloudWatch Logs (who may delete or put log events)
 * and, independently, on CloudTrail, which records every IAM and Secrets Manager call the
 * function makes.
 */
final class JsonLines {
  static final String AUDIT_FORMAT = "sesame-lambda/1";
  // IAM unique ids: AKIA (access key), ASIA (temporary key), AIDA (user), AROA (role), ... (IAM User Guide: "Unique identifiers").
  private static final Pattern KEY_ID = Pattern.compile("\\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|AGPA)[A-Z0-9]{12,124}\\b");
  private static final JsonFactory JSON = new JsonFactory();

  private final PrintStream out;
  private final Clock clock;

  JsonLines(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** TEXT with every AWS key or principal id in it cut to its last four characters. */
  static String redact(String text) {
    if (text == null) {
      return "";
    }
    Matcher matcher = KEY_ID.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(result, Matcher.quoteReplacement(AuditLog.keyHint(matcher.group())));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  void audit(AuditLog.Entry record, String rotation) {
    line(json -> {
      json.writeStringField("audit", AUDIT_FORMAT);
      json.writeStringField("time", clock.instant().toString());
      json.writeStringField("actor", redact(record.actor()));
      json.writeStringField("entry", record.entry());
      json.writeStringField("step", record.step());
      json.writeStringField("key", record.keyHint());
      json.writeStringField("result", record.result());
      json.writeStringField("detail", redact(record.detail()));
      json.writeStringField("rotation", rotation);
    });
  }

  void info(String message) {
    message("info", message);
  }

  void error(String message) {
    message("error", message);
  }

  private void message(String level, String message) {
    line(json -> {
      json.writeStringField("level", level);
      json.writeStringField("time", clock.instant().toString());
      json.writeStringField("message", redact(message));
    });
  }

  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private void line(Fields fields) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(buffer)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    // One write per line, so lines of concurrent threads never interleave.
    out.println(buffer.toString(StandardCharsets.UTF_8));
    out.flush();
  }
}
