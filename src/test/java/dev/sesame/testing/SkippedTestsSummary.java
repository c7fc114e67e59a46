package dev.sesame.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints every skipped or aborted test with its reason once the run ends, so a machine without the
 * mail stack (or without Docker, or without the Wycheproof vectors) says loudly what it did not
 * prove instead of hiding it in a "Skipped: n" count. Registered through META-INF/services.
 * Under Maven the lines are collected in one file and printed once, after all test JVMs are done.
 */
public final class SkippedTestsSummary implements TestExecutionListener {
  /** Set by pom.xml: the file that collects every test JVM's skipped tests. */
  static final String REPORT_PROPERTY = "sesame.skipped.report";
  private final List<String> skipped = new ArrayList<>();

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    record(test, reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      record(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
  }

  private synchronized void record(TestIdentifier test, String reason) {
    skipped.add(test.getLegacyReportingName() + " [" + test.getUniqueId().replaceAll(".*\\[class:([^\\]]*)\\].*", "$1")
        + "]: " + reason);
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan plan) {
    if (skipped.isEmpty()) {
      return;
    }
    String report = System.getProperty(REPORT_PROPERTY, "");
    if (!report.isEmpty() && appendTo(Path.of(report))) {
      skipped.clear();
      return;
    }
    StringBuilder out = new StringBuilder("\n==== NOT PROVEN ON THIS MACHINE: ")
        .append(skipped.size()).append(" skipped test(s) ====\n");
    for (String line : skipped) {
      out.append("  SKIPPED ").append(line).append('\n');
    }
    System.err.print(out);
    skipped.clear();
  }

  /**
   * Under Maven the test JVMs run side by side and each sees only its own classes, so each appends
   * its lines to one file (under an exclusive lock), which .ci/skipped-tests-summary prints after
   * the run. False when the file cannot be written: the lines are printed here instead.
   */
  private boolean appendTo(Path report) {
    StringBuilder lines = new StringBuilder();
    for (String line : skipped) {
      lines.append(line.replace('\n', ' ')).append('\n');
    }
    try (FileChannel channel = FileChannel.open(report, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND); FileLock ignored = channel.lock()) {
      ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
