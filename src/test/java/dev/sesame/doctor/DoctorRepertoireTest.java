package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DoctorRepertoireTest {
  /** The ids design.md section 6 fixes; the doctor may add more, never drop one. */
  private static final List<String> DESIGN_IDS = List.of("vault.files", "vault.kdf", "key.age", "rotation.pending",
      "iam.keys", "iam.policy", "ses.account", "ses.identity", "ses.dkim", "dns.spf", "dns.dmarc", "dns.dkim",
      "smtp.starttls", "smtp.auth", "smtp.cert", "smtp.tls", "smtp.dhe");

  @Test
  void everyDesignIdIsChecked() {
    assertThat(Doctor.repertoire().keySet()).containsAll(DESIGN_IDS);
  }

  @Test
  void everyCheckIdIsOwnedByExactlyOneScenarioTest() {
    Set<String> owned = new HashSet<>();
    CoverageTable.OWNERS.values().forEach(ids -> ids.forEach(id -> assertThat(owned.add(id)).as(id).isTrue()));
    assertThat(owned).isEqualTo(Doctor.repertoire().keySet());
  }

  @Test
  void everyCheckCanPassAndSkip() {
    Doctor.repertoire().forEach((id, statuses) -> assertThat(statuses).as(id).contains(Status.PASS, Status.SKIP));
  }
}
