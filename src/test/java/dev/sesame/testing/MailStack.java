package dev.sesame.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real readers the mail-stack tests drive. `mvn verify` installs them first when it can
 * (.ci/ensure-test-tools); where it cannot, a test that needs a missing one is skipped with the
 * reason, and {@link SkippedTestsSummary} lists every skip at the end. Under CI (CI=true) a missing
 * tool FAILS the test instead: there a skip would hide a regression.
 */
public final class MailStack {
  public static final String PHPMAILER = "/usr/share/php/libphp-phpmailer/autoload.php";
  public static final Path POSTMAP = Path.of("/opt/sesame-test/postfix/usr/sbin/postmap");

  private MailStack() {}

  public static String require(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
      File f = new File(dir, tool);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin"}) {
      File f = new File(dir, tool);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    missing(tool + " is not installed: run .ci/install-mail-stack as root");
    return tool;
  }

  public static void requirePhpMailer() {
    require("php");
    if (!Files.exists(Path.of(PHPMAILER))) {
      missing("PHPMailer is not installed (" + PHPMAILER + "): run .ci/install-mail-stack as root");
    }
  }

  /** Postfix's postmap, unpacked from its .deb by .ci/install-postmap (the package conflicts with exim4). */
  public static Path requirePostmap() {
    if (!Files.isExecutable(POSTMAP)) {
      missing("postmap is not unpacked: run .ci/install-postmap as root");
    }
    return POSTMAP;
  }

  /** FILE, a part of an installed package (e.g. Exim's example configuration); skip/fail as for a tool. */
  public static Path requireFile(Path file, String installedBy) {
    if (!Files.isReadable(file)) {
      missing(file + " is missing (" + installedBy + "): run .ci/install-mail-stack as root");
    }
    return file;
  }

  private static void missing(String reason) {
    if ("true".equals(System.getenv("CI"))) {
      fail(reason + " (CI=true: a missing tool fails)");
    }
    Assumptions.abort("MAIL-STACK SKIPPED: " + reason);
  }
}
