package dev.sesame.doctor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The doctor's findings, as a table for people or JSON for monitoring; exit 1 when any FAILs. */
public record Report(List<Finding> findings) {
  public Report {
    findings = List.copyOf(findings);
  }

  public boolean anyFail() {
    return findings.stream().anyMatch(f -> f.status() == Status.FAIL);
  }

  /** 0 when nothing FAILs, 1 otherwise (design.md section 6). */
  public int exitCode() {
    return anyFail() ? 1 : 0;
  }

  /** {"findings":[{"check":..,"status":..,"subject":..,"reason":..,"fix":..}]} */
  public String json() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("findings");
      for (Finding f : findings) {
        g.writeStartObject();
        g.writeStringField("check", f.check());
        g.writeStringField("status", f.status().name());
        g.writeStringField("subject", f.subject());
        g.writeStringField("reason", f.reason());
        g.writeStringField("fix", f.fix());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** One block per finding: status, check and subject on the first line, reason and fix below. */
  public String table() {
    int idWidth = findings.stream().mapToInt(f -> f.check().length()).max().orElse(10);
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append(String.format("%-4s  %-" + idWidth + "s  %s%n", f.status(), f.check(), f.subject()));
      out.append(" ".repeat(idWidth + 8)).append(f.reason()).append(System.lineSeparator());
      if (f.status() != Status.PASS) {
        out.append(" ".repeat(idWidth + 8)).append("fix: ").append(f.fix()).append(System.lineSeparator());
      }
    }
    long fails = findings.stream().filter(f -> f.status() == Status.FAIL).count();
    long warns = findings.stream().filter(f -> f.status() == Status.WARN).count();
    long passes = findings.stream().filter(f -> f.status() == Status.PASS).count();
    long skips = findings.stream().filter(f -> f.status() == Status.SKIP).count();
    out.append(String.format("%d FAIL, %d WARN, %d PASS, %d SKIP%n", fails, warns, passes, skips));
    return out.toString();
  }
}
