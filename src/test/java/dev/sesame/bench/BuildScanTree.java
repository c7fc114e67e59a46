package dev.sesame.bench;

import dev.sesame.ses.SmtpPassword;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For scripts/bench: {@code BuildScanTree DIR COUNT} writes COUNT files into DIR, 100 to a
 * folder, shaped like a web and mail host: PHP, config and env files of 0.5-4 KiB. One file in
 * 200 mentions an access key id without a secret (so it takes the full scan, not just the cheap
 * test), and one in 10,000 holds a real-shaped leak. Prints how many leaks it planted.
 */
public final class BuildScanTree {
  private static final String FILLER = """
      # Settings for the application; values below are examples only.
      server_name = mail.example.test
      log_level = info
      max_connections = 64
      timeout = 30
      """;

  private BuildScanTree() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String password = SmtpPassword.derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1");
    String[] names = {"config.php", "settings.conf", ".env", "mail.inc", "app.ini"};
    int leaks = 0;
    for (int i = 0; i < count; i++) {
      Path folder = dir.resolve("site-" + (i / 100));
      if (i % 100 == 0) {
        Files.createDirectories(folder);
      }
      StringBuilder text = new StringBuilder();
      int repeats = 4 + (i % 25);
      for (int r = 0; r < repeats; r++) {
        text.append(FILLER);
      }
      if (i % 200 == 7) {
        text.append("# rotated key AKIAIOSFODNN7EXAMPLE retired in March\n");
      }
      if (i % 10_000 == 4_321) {
        text.append("SMTP_USER=AKIAIOSFODNN7EXAMPLE\nSMTP_PASS=").append(password).append('\n');
        leaks++;
      }
      Files.writeString(folder.resolve(i + "-" + names[i % names.length]), text, StandardCharsets.UTF_8);
    }
    System.out.println(leaks);
  }
}
