package dev.sesame.scan;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.List;

/**
 * How a scan runs.
 *
 * @param maxFileSize files larger than this many bytes are skipped ({@link Skip#TOO_LARGE})
 * @param fileDeadline how long one file may take to open and read before it is given up
 * @param threads how many files are read at once
 * @param excludes glob patterns (java.nio PathMatcher syntax) matched against absolute paths
 */
public record ScanOptions(long maxFileSize, Duration fileDeadline, int threads, List<String> excludes) {
  /** 1 MiB: far above any mail-server or PHP configuration file, below logs and dumps. */
  public static final long DEFAULT_MAX_FILE_SIZE = 1L << 20;
  public static final Duration DEFAULT_FILE_DEADLINE = Duration.ofSeconds(10);

  public ScanOptions {
    if (maxFileSize < 1 || maxFileSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the size limit must be between 1 byte and 2 GiB");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    excludes = List.copyOf(excludes);
    for (String glob : excludes) {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }
  }

  public static ScanOptions defaults() {
    return new ScanOptions(DEFAULT_MAX_FILE_SIZE, DEFAULT_FILE_DEADLINE,
        Math.max(2, Runtime.getRuntime().availableProcessors()), List.of());
  }

  public ScanOptions withMaxFileSize(long bytes) {
    return new ScanOptions(bytes, fileDeadline, threads, excludes);
  }

  public ScanOptions withExcludes(List<String> globs) {
    return new ScanOptions(maxFileSize, fileDeadline, threads, globs);
  }

  public ScanOptions withFileDeadline(Duration deadline) {
    return new ScanOptions(maxFileSize, deadline, threads, excludes);
  }

  List<PathMatcher> matchers() {
    return excludes.stream().map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
  }

  boolean excluded(List<PathMatcher> matchers, Path path) {
    for (PathMatcher matcher : matchers) {
      if (matcher.matches(path)) {
        return true;
      }
    }
    return false;
  }
}
