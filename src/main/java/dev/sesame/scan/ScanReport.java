package dev.sesame.scan;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scan found and what it could not look at.
 *
 * @param findings sorted by file, then line
 * @param filesScanned regular files read (or empty) and searched
 * @param skipped how many files or folders were passed over, per reason (every reason present)
 * @param notices the skips a reader must hear about by name (unreadable, timed out), sorted by path
 */
public record ScanReport(List<ScanFinding> findings, long filesScanned, Map<Skip, Long> skipped, List<Notice> notices) {
  public ScanReport {
    findings = List.copyOf(findings);
    skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped)); // keeps the reasons' order
    notices = List.copyOf(notices);
  }

  /** A file or folder that could not be scanned, and why, in words that hold no file content. */
  public record Notice(Path path, Skip reason, String detail) {}

  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }
}
