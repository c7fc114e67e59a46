package dev.sesame.doctor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One family of posture checks (vault, IAM, SES, one DNS record, the SMTP endpoint). A check never
 * throws for what it finds: a missing input is a SKIP, a broken posture a WARN or FAIL.
 */
public interface Check {
  /** The findings for this context, at least one per check id the family owns. */
  List<Finding> run(DoctorContext context);

  /**
   * Every (check id, status) this family can report. The tests prove each pair is produced by a
   * real scenario, so this is the doctor's documented repertoire.
   */
  Map<String, Set<Status>> repertoire();
}
