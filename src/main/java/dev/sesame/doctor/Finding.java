package dev.sesame.doctor;

import java.util.Objects;

/**
 * One result of one check about one subject (a file, a key, a domain, an endpoint): a one-line
 * reason, and a concrete fix (for PASS, "nothing to do"; for SKIP, what the check would need).
 */
public record Finding(String check, Status status, String subject, String reason, String fix) {
  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(status, "status");
    subject = oneLine(subject);
    reason = oneLine(reason);
    fix = oneLine(fix);
  }

  public static Finding pass(String check, String subject, String reason) {
    return new Finding(check, Status.PASS, subject, reason, "nothing to do");
  }

  public static Finding warn(String check, String subject, String reason, String fix) {
    return new Finding(check, Status.WARN, subject, reason, fix);
  }

  public static Finding fail(String check, String subject, String reason, String fix) {
    return new Finding(check, Status.FAIL, subject, reason, fix);
  }

  public static Finding skip(String check, String subject, String reason, String fix) {
    return new Finding(check, Status.SKIP, subject, reason, fix);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
