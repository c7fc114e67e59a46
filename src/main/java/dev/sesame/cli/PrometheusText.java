package dev.sesame.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The Prometheus text exposition format (version 0.0.4) of `sesame metrics`: a # HELP and # TYPE
 * line per metric, then one sample per entry labelled {@code entry="NAME"}. Entry names are
 * letters, digits, '_' and '-', but label values are escaped anyway (backslash, quote, newline).
 */
final class PrometheusText {
  private PrometheusText() {}

  static String of(List<MetricsCommand.Sample> samples, Instant now) {
    StringBuilder out = new StringBuilder();
    out.append("# HELP sesame_key_age_seconds Age of the entry's current credential (for SES entries, its IAM access key).\n");
    out.append("# TYPE sesame_key_age_seconds gauge\n");
    for (MetricsCommand.Sample s : samples) {
      long age = Math.max(0, Duration.between(s.currentCreatedAt(), now).getSeconds());
      sample(out, "sesame_key_age_seconds", s.entry(), Long.toString(age));
    }
    out.append("# HELP sesame_rotation_pending 1 while a rotation of the entry is recorded as started and not finished.\n");
    out.append("# TYPE sesame_rotation_pending gauge\n");
    for (MetricsCommand.Sample s : samples) {
      sample(out, "sesame_rotation_pending", s.entry(), s.rotationPending() ? "1" : "0");
    }
    out.append("# HELP sesame_last_rotation_success_timestamp_seconds When the entry's last rotation finished"
        + " (Unix time); absent for an entry never rotated by this release.\n");
    out.append("# TYPE sesame_last_rotation_success_timestamp_seconds gauge\n");
    for (MetricsCommand.Sample s : samples) {
      if (s.lastRotation().isPresent()) {
        sample(out, "sesame_last_rotation_success_timestamp_seconds", s.entry(),
            Long.toString(s.lastRotation().get().getEpochSecond()));
      }
    }
    return out.toString();
  }

  private static void sample(StringBuilder out, String metric, String entry, String value) {
    out.append(metric).append("{entry=\"").append(escape(entry)).append("\"} ").append(value).append('\n');
  }

  private static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
