package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proof that every (check, status) pair the doctor can report is produced by a real scenario:
 * each test class owns some check ids, records every finding its scenarios produce, and at the
 * end asserts it produced each status {@link Doctor#repertoire()} lists for its ids.
 * {@link DoctorRepertoireTest} asserts that the owners together cover every id.
 */
final class CoverageTable {
  static final Map<String, List<String>> OWNERS = new LinkedHashMap<>();

  static {
    OWNERS.put("VaultChecksTest", List.of("vault.files", "vault.kdf", "key.age", "rotation.pending"));
    OWNERS.put("AwsChecksTest", List.of("iam.keys", "iam.policy", "ses.account", "ses.identity", "ses.dkim",
        "ses.mailfrom"));
    OWNERS.put("DnsChecksTest", List.of("dns.spf", "dns.dmarc", "dns.dkim"));
    OWNERS.put("SmtpChecksTest", List.of("smtp.starttls", "smtp.auth", "smtp.cert", "smtp.tls", "smtp.dhe"));
  }

  private final String owner;
  private final Map<String, Set<Status>> produced = new ConcurrentHashMap<>();

  CoverageTable(String owner) {
    this.owner = owner;
  }

  /** Records FINDINGS and returns them. */
  List<Finding> record(List<Finding> findings) {
    for (Finding f : findings) {
      produced.computeIfAbsent(f.check(), id -> EnumSet.noneOf(Status.class)).add(f.status());
    }
    return findings;
  }

  /** Prints this owner's rows (id: statuses produced / statuses in the repertoire) and asserts them. */
  void assertComplete() {
    Map<String, Set<Status>> repertoire = Doctor.repertoire();
    Map<String, String> rows = new TreeMap<>();
    for (String id : OWNERS.get(owner)) {
      Set<Status> made = produced.getOrDefault(id, EnumSet.noneOf(Status.class));
      rows.put(id, made + " of " + repertoire.get(id));
    }
    System.out.println("doctor coverage (" + owner + "):");
    rows.forEach((id, row) -> System.out.println("  " + id + ": " + row));
    for (String id : OWNERS.get(owner)) {
      assertThat(produced.getOrDefault(id, EnumSet.noneOf(Status.class)))
          .as("statuses of %s produced by %s", id, owner)
          .containsAll(repertoire.get(id));
    }
  }
}
