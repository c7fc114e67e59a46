package dev.sesame.testing;

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
 */
public final class SkippedTestsSummary implements TestExecutionListener {
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
    StringBuilder out = new StringBuilder("\n==== NOT PROVEN ON THIS MACHINE: ")
        .append(skipped.size()).append(" skipped test(s) ====\n");
    for (String line : skipped) {
      out.append("  SKIPPED ").append(line).append('\n');
    }
    System.err.print(out);
  }
}
