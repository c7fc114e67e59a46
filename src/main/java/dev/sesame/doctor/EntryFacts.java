package dev.sesame.doctor;

import dev.sesame.ses.TlsMode;
import java.util.List;
import java.util.Optional;

/**
 * The non-secret fields of one vault entry, read from its sealed current version: what the IAM,
 * SES and SMTP checks need to know which user, region and endpoint to look at.
 *
 * @param accessKeyIds the access key ids of every version the vault holds, current first
 * @param smtpTls how TLS starts at the entry's endpoint (its smtp_tls field, or what its port implies)
 */
public record EntryFacts(String name, String type, Optional<String> region, Optional<String> iamUser,
    Optional<String> currentKeyId, List<String> accessKeyIds, Optional<String> smtpHost,
    Optional<Integer> smtpPort, Optional<TlsMode> smtpTls) {
  public EntryFacts {
    accessKeyIds = List.copyOf(accessKeyIds);
  }

  /** Facts whose TLS mode follows the port, as SES's does. */
  public EntryFacts(String name, String type, Optional<String> region, Optional<String> iamUser,
      Optional<String> currentKeyId, List<String> accessKeyIds, Optional<String> smtpHost,
      Optional<Integer> smtpPort) {
    this(name, type, region, iamUser, currentKeyId, accessKeyIds, smtpHost, smtpPort, Optional.empty());
  }
}
