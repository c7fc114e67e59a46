package dev.sesame.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Upstream Exim's default runtime configuration ("configure" in the Exim source, the base of
 * Rocky/RHEL's and cPanel's exim.conf), as Debian ships it in exim4-base:
 * /usr/share/doc/exim4-base/examples/example.conf (or .gz). Read only; tests merge into a copy.
 */
public final class UpstreamDefaultExim {
  private static final Path EXAMPLES = Path.of("/usr/share/doc/exim4-base/examples");

  private UpstreamDefaultExim() {}

  /** The stock text. */
  public static String text() throws IOException {
    Path plain = EXAMPLES.resolve("example.conf");
    if (Files.exists(plain)) {
      return Files.readString(plain, StandardCharsets.UTF_8);
    }
    Path gz = EXAMPLES.resolve("example.conf.gz");
    if (Files.exists(gz)) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    MailStack.requireFile(plain, "exim4-base");
    return Files.readString(plain, StandardCharsets.UTF_8);
  }

  /**
   * CONFIG with TEXT inserted on the line after its "begin SECTION" line, the way a README tells
   * an admin to paste a fragment there; fails if the section is not there exactly once.
   */
  public static String insertAfterBegin(String config, String section, String text) {
    String marker = "\nbegin " + section + "\n";
    int at = config.indexOf(marker);
    if (at < 0 || config.indexOf(marker, at + 1) >= 0) {
      return fail("expected exactly one 'begin " + section + "' line");
    }
    int after = at + marker.length();
    return config.substring(0, after) + "\n" + text + "\n" + config.substring(after);
  }

  /** Runs `exim ARGS` (stdin from STDIN, or /dev/null); output combined. */
  public static CommandRun.Result exim(List<String> args, String stdin) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(MailStack.require("exim"));
    argv.addAll(args);
    return CommandRun.run(argv, stdin);
  }
}
