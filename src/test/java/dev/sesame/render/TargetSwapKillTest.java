package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.ChildJava;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.RenderLoop;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The target is always whole, old or new: under SIGKILL, and to a reader looping over it. */
class TargetSwapKillTest {
  private static final int TRIALS = 50;
  @TempDir Path dir;

  /** Large enough that writing it is not a single instant. */
  private Path bigTemplate() throws Exception {
    Path t = dir.resolve("big.tpl");
    Files.writeString(t, ("line for ${smtp_password}\n").repeat(2048) + "end ${smtp_password}\n");
    return t;
  }

  private static String expected(String pw) {
    return ("line for " + pw + "\n").repeat(2048) + "end " + pw + "\n";
  }

  @Test
  void sigkillDuringRendersNeverLeavesATornOrMissingTarget() throws Exception {
    Path template = bigTemplate();
    Path out = dir.resolve("target");
    Set<String> whole = Set.of(expected("AAAA"), expected("BBBB"));
    for (int trial = 0; trial < TRIALS; trial++) {
      List<String> command = new ArrayList<>(ChildJava.command(RenderLoop.class.getName()));
      command.addAll(List.of(template.toString(), out.toString()));
      Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("ready");
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 120));
      child.destroyForcibly(); // SIGKILL on Linux
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(out).exists();
      assertThat(whole).as("trial %d: target is one whole version", trial)
          .contains(Files.readString(out));
      assertThat(Files.getPosixFilePermissions(out))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    }
  }

  @Test
  void aReaderNeverSeesPartialContentDuring1000Renders() throws Exception {
    Path template = bigTemplate();
    // Atomicity as readers see it is a property of rename, the same on tmpfs; durability (fsync)
    // is what the SIGKILL test covers on disk. tmpfs keeps 1,000 renders within seconds.
    Path shm = Path.of("/dev/shm");
    Path work = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "sesame-reader") : dir;
    Path out = work.resolve("target");
    Set<String> whole = Set.of(expected("AAAA"), expected("BBBB"));
    Target target = Target.of("ses", template, out, Format.RAW);
    Renderer renderer = new Renderer();
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    renderer.apply(List.of(target), MapFieldSource.ses("ses", "h", 587, "u", "AAAA"), false, quiet);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> bad = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread reader = new Thread(() -> {
      while (!done.get() && bad.get() == null) {
        try {
          String s = Files.readString(out);
          reads.incrementAndGet();
          if (!whole.contains(s)) {
            bad.set("partial content of length " + s.length());
          }
        } catch (Exception e) {
          bad.set(e.toString());
        }
      }
    });
    reader.start();
    for (int i = 1; i <= 1000; i++) {
      renderer.apply(List.of(target),
          MapFieldSource.ses("ses", "h", 587, "u", i % 2 == 0 ? "AAAA" : "BBBB"), false, quiet);
    }
    done.set(true);
    reader.join();
    if (!work.equals(dir)) {
      try (var files = Files.list(work)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(work);
    }
    assertThat(bad.get()).isNull();
    assertThat(reads.get()).isPositive();
  }
}
