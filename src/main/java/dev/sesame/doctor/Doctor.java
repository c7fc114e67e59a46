package dev.sesame.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs every check family in a fixed order: vault, IAM, SES, DNS, SMTP. */
public final class Doctor {
  private final List<Check> checks;

  private Doctor(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  public static Doctor standard() {
    return new Doctor(List.of(new VaultChecks(), new IamChecks(), new SesChecks(), new SpfCheck(), new DmarcCheck(),
        new DkimCheck(), new SmtpChecks()));
  }

  public List<Check> checks() {
    return checks;
  }

  public Report run(DoctorContext context) {
    List<Finding> findings = new ArrayList<>();
    for (Check check : checks) {
      findings.addAll(check.run(context));
    }
    return new Report(findings);
  }

  /** Every (check id, status) pair the standard checks can report, in check order. */
  public static Map<String, Set<Status>> repertoire() {
    Map<String, Set<Status>> all = new LinkedHashMap<>();
    standard().checks.forEach(c -> all.putAll(new java.util.TreeMap<>(c.repertoire())));
    return all;
  }
}
