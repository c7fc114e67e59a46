package dev.sesame.testing;

import dev.sesame.render.Format;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM main for the crash test: renders TEMPLATE into OUT forever, alternating the password
 * between two values, and prints "ready" after the first render so the parent knows renders are
 * under way when it sends SIGKILL.
 */
public final class RenderLoop {
  private RenderLoop() {}

  public static void main(String[] args) throws Exception {
    Path template = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Target target = Target.of("ses", template, out, Format.RAW).withMode(0640);
    Renderer renderer = new Renderer();
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    for (long i = 0; ; i++) {
      String pw = (i % 2 == 0) ? "AAAA" : "BBBB";
      renderer.apply(List.of(target), MapFieldSource.ses("ses", "h", 587, "u", pw), false, quiet);
      if (i == 0) {
        System.out.println("ready");
        System.out.flush();
      }
    }
  }
}
