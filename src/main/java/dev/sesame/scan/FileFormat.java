package dev.sesame.scan;

import java.nio.file.Path;
import java.util.Locale;

/** What kind of file a finding is in, guessed from its name, folder and first line; for the reader only. */
public enum FileFormat {
  EXIM("exim"),
  EXIM_PASSWD("exim-passwd"),
  PHP("php"),
  POSTFIX("postfix"),
  ENV("env"),
  SYSTEMD("systemd"),
  SHELL("shell"),
  TEXT("text");

  private final String wireName;

  FileFormat(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The format of FILE whose first bytes are HEAD (LENGTH of them). */
  static FileFormat guess(Path file, byte[] head, int length) {
    String name = withoutBackupSuffix(
        file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT));
    String path = file.toString().toLowerCase(Locale.ROOT);
    String firstLine = firstLine(head, length);
    if (name.startsWith("sasl_passwd") || path.contains("/postfix/")) {
      return POSTFIX;
    }
    if (name.equals("passwd.client") || name.endsWith(".passwd")) {
      return EXIM_PASSWD;
    }
    if (name.endsWith(".php") || name.endsWith(".inc") || name.endsWith(".phtml") || firstLine.startsWith("<?php")) {
      return PHP;
    }
    if (name.contains("exim") || path.contains("/exim")) {
      return EXIM;
    }
    if (name.equals(".env") || name.startsWith(".env.") || name.endsWith(".env")) {
      return ENV;
    }
    if (name.endsWith(".service") || name.endsWith(".timer") || path.contains("/systemd/")) {
      return SYSTEMD;
    }
    if (name.endsWith(".sh") || name.endsWith(".bash") || (firstLine.startsWith("#!") && firstLine.contains("sh"))) {
      return SHELL;
    }
    // Where systemd units' EnvironmentFile= and init scripts keep their settings.
    if (path.contains("/etc/default/") || path.contains("/etc/sysconfig/")) {
      return ENV;
    }
    return TEXT;
  }

  /** exim.conf.bak is an Exim file: editors', package managers' and Sesame's own backup names. */
  private static String withoutBackupSuffix(String name) {
    for (String suffix : new String[] {".bak", ".orig", ".old", ".save", ".dpkg-old", ".dpkg-dist", ".rpmsave",
        ".rpmnew", "~"}) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static String firstLine(byte[] head, int length) {
    int end = 0;
    while (end < length && end < 200 && head[end] != '\n') {
      end++;
    }
    return new String(head, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
  }
}
