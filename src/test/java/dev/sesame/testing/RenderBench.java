package dev.sesame.testing;

import dev.sesame.render.Format;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prints render time for 1 target vs N targets in one process (scripts/bench-render). Each round
 * changes the password so every target is really rewritten (candidate, fsync, rename, .bak).
 * Figures only; no test asserts timings.
 */
public final class RenderBench {
  private RenderBench() {}

  public static void main(String[] args) throws Exception {
    int many = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of("/tmp"),
        "sesame-bench");
    try {
      Path template = Path.of("templates/debian-exim4/passwd.client").toAbsolutePath();
      PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
      Renderer renderer = new Renderer();
      for (int n : new int[] {1, many}) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          targets.add(Target.of("ses", template, dir.resolve("t" + n + "-" + i),
              Format.EXIM_PASSWD));
        }
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < rounds + 2; r++) {
          MapFieldSource fields = MapFieldSource.ses("ses", "email-smtp.eu-west-1.amazonaws.com",
              587, "AKIAEXAMPLE", "pw/+=" + r);
          long t0 = System.nanoTime();
          renderer.apply(targets, fields, false, quiet);
          double elapsed = (System.nanoTime() - t0) / 1e6;
          if (r >= 2) { // the first two rounds warm the JIT and create the files
            ms.add(elapsed);
          }
        }
        ms.sort(Comparator.naturalOrder());
        System.out.printf("%3d target(s): median %.1f ms per set (%.2f ms per target), min %.1f,"
            + " max %.1f, %d rounds%n", n, ms.get(ms.size() / 2), ms.get(ms.size() / 2) / n,
            ms.get(0), ms.get(ms.size() - 1), ms.size());
      }
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
