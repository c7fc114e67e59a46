package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.scan.ScanFinding;
import dev.sesame.scan.ScanOptions;
import dev.sesame.scan.ScanReport;
import dev.sesame.scan.Skip;
import dev.sesame.scan.TreeScan;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", mixinStandardHelpOptions = true,
    description = {"Find plain-text SES credentials in files and folders.",
        "A finding is an access key id (AKIA...) near an SES SMTP password, or an IAM",
        "secret access key, in Exim configs, PHP, Postfix sasl_passwd, env and systemd",
        "EnvironmentFile= files, shell scripts. Prints file, line, kind and access key",
        "id, never a secret. Follows no symlink, opens only regular files, skips",
        "binaries, files over --max-size, and /proc, /sys. Exit 0 when nothing is",
        "found, 11 when something is (cron and CI can alert on it). Seal a finding with:",
        "  sesame import NAME --from FILE --line N",
        "See docs/scan.md and docs/runbooks/incident-response.md."})
final class ScanCommand implements Callable<Integer> {
  private final Invocation io;

  ScanCommand(Invocation io) {
    this.io = io;
  }


  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to scan (folders recursively).")
  List<Path> paths;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (a line per finding on stdout, a summary on stderr) or json (one object on stdout); "
          + "default: ${DEFAULT-VALUE}.")
  OutputOption.Format output;

  @Option(names = "--max-size", paramLabel = "BYTES", defaultValue = "1M", converter = ByteSizeConverter.class,
      description = "Skip files larger than this (suffix K, M or G allowed; default: ${DEFAULT-VALUE}).")
  long maxSize;

  @Option(names = "--exclude", paramLabel = "GLOB",
      description = "Skip files and folders whose absolute path matches GLOB (e.g. '/etc/exim4/passwd.client' or "
          + "'**/vendor'); repeatable.")
  List<String> excludes = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ScanOptions options = ScanOptions.defaults().withMaxFileSize(maxSize).withExcludes(excludes);
    ScanReport report;
    try {
      report = TreeScan.scan(paths, options);
    } catch (NoSuchFileException e) {
      throw new UserError(ExitCode.NOT_FOUND, "no such file or folder: " + e.getFile());
    }
    if (output == OutputOption.Format.json) {
      io.out().println(json(report));
    } else {
      for (ScanFinding finding : report.findings()) {
        io.out().println(line(finding));
      }
    }
    for (ScanReport.Notice notice : report.notices()) {
      io.err().println("sesame: warning: not scanned: " + notice.path() + ": " + notice.detail());
    }
    io.err().println("sesame: " + summary(report));
    if (report.findings().isEmpty()) {
      return ExitCode.OK;
    }
    io.err().println("sesame: seal a credential with: sesame import NAME --from FILE --line N, then render the "
        + "templates over the file and revoke the key (docs/runbooks/incident-response.md)");
    return ExitCode.CREDENTIALS_FOUND;
  }

  /** "/etc/exim/exim.conf:57: ses-smtp-password AKIA... (exim; 0644 root:root, readable by every local user)" */
  static String line(ScanFinding finding) {
    StringBuilder text = new StringBuilder();
    text.append(finding.file()).append(':').append(finding.line()).append(": ").append(finding.kind().wireName())
        .append(' ').append(finding.accessKeyId().isEmpty() ? "(no access key id nearby)" : finding.accessKeyId())
        .append(" (").append(finding.format().wireName());
    if (finding.mode() >= 0) {
      text.append("; ").append(finding.modeText()).append(' ').append(finding.owner()).append(':')
          .append(finding.group());
      if (finding.readableByOthers()) {
        text.append(", readable by every local user");
      }
    }
    return text.append(')').toString();
  }

  static String summary(ScanReport report) {
    StringBuilder text = new StringBuilder("scanned " + report.filesScanned() + " files");
    List<String> skips = new ArrayList<>();
    for (Map.Entry<Skip, Long> skip : report.skipped().entrySet()) {
      if (skip.getValue() > 0) {
        skips.add(skip.getValue() + " " + skip.getKey().wireName().replace('_', ' '));
      }
    }
    if (!skips.isEmpty()) {
      text.append("; skipped ").append(String.join(", ", skips));
    }
    long files = report.findings().stream().map(ScanFinding::file).distinct().count();
    text.append("; ").append(report.findings().size()).append(report.findings().size() == 1 ? " credential" :
        " credentials").append(" found");
    if (files > 0) {
      text.append(" in ").append(files).append(files == 1 ? " file" : " files");
    }
    return text.toString();
  }

  private static String json(ScanReport report) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeArrayFieldStart("findings");
      for (ScanFinding finding : report.findings()) {
        json.writeStartObject();
        json.writeStringField("file", finding.file().toString());
        json.writeNumberField("line", finding.line());
        json.writeStringField("kind", finding.kind().wireName());
        json.writeStringField("access_key_id", finding.accessKeyId());
        json.writeStringField("format", finding.format().wireName());
        json.writeStringField("mode", finding.modeText());
        json.writeStringField("owner", finding.owner());
        json.writeStringField("group", finding.group());
        json.writeBooleanField("readable_by_others", finding.readableByOthers());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("files_scanned", report.filesScanned());
      json.writeObjectFieldStart("skipped");
      for (Map.Entry<Skip, Long> skip : report.skipped().entrySet()) {
        json.writeNumberField(skip.getKey().wireName(), skip.getValue());
      }
      json.writeEndObject();
      json.writeArrayFieldStart("not_scanned");
      for (ScanReport.Notice notice : report.notices()) {
        json.writeStartObject();
        json.writeStringField("path", notice.path().toString());
        json.writeStringField("reason", notice.reason().wireName());
        json.writeStringField("detail", notice.detail());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.toString();
  }
}
