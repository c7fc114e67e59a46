package dev.sesame.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real readers the render tests drive. A missing one FAILS the test (CI installs them, and a
 * skipped test would hide a regression); developers without them exclude the tag "mail-stack".
 */
public final class MailStack {
  public static final String PHPMAILER = "/usr/share/php/libphp-phpmailer/autoload.php";

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
    return fail(tool + " is not installed: run .ci/install-mail-stack as root"
        + " (or exclude the JUnit tag mail-stack)");
  }

  public static void requirePhpMailer() {
    require("php");
    if (!Files.exists(Path.of(PHPMAILER))) {
      fail("PHPMailer is not installed (" + PHPMAILER + "): run .ci/install-mail-stack as root"
          + " (or exclude the JUnit tag mail-stack)");
    }
  }
}
