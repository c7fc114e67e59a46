package dev.sesame.rotate;

import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.aws.AwsStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figures for scripts/bench-rotate-store (nothing here passes or fails): RUNS full
 * `sesame rotate prod --store sm://bench/ --retire-now` runs of the real CLI (from the class
 * path) against the AWS and SES stand-ins, the entry sealed under a KMS key. Per run: wall time,
 * and the AWS calls the rotation made, by action: what a rotator's IAM policy must allow and
 * what CloudTrail will show.
 */
public final class StoreRotationBench {
  private StoreRotationBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = EximDaemon.workDir("sesame-bench-rotate-store");
    try (RotationStand stand = RotationStand.start(Files.createDirectory(dir.resolve("world")),
        StandCertificate.create(dir), 587)) {
      AwsStandIn standIn = stand.aws.standIn();
      stand.storeWithCurrentKey("sm://bench/", "bench");
      List<Long> wall = new ArrayList<>();
      Map<String, Long> lastCalls = Map.of();
      for (int run = 1; run <= runs; run++) {
        standIn.clearCalls();
        long start = System.nanoTime();
        CliResult result = stand.sesame("rotate", RotationStand.ENTRY, "--store", "sm://bench/", "--retire-now",
            "--state-dir", dir.toString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (result.exitCode() != 0) {
          throw new IllegalStateException("rotation failed: " + result);
        }
        wall.add(millis);
        Map<String, Long> calls = new TreeMap<>();
        standIn.calls().forEach(call -> calls.merge(call.action(), 1L, Long::sum));
        lastCalls = calls;
        System.out.printf("run %d: wall %d ms, %d AWS calls%n", run, millis,
            calls.values().stream().mapToLong(Long::longValue).sum());
      }
      wall.sort(null);
      System.out.printf("%nmedian wall: %d ms over %d runs (CLI from the class path: JVM + SDK start included)%n",
          wall.get(wall.size() / 2), runs);
      System.out.println("AWS calls of the last run, by action:");
      lastCalls.forEach((action, count) -> System.out.printf("  %-26s %d%n", action, count));
    }
  }
}
