package dev.sesame.doctor;

import java.util.List;
import java.util.Optional;

/**
 * The non-secret fields of one vault entry, read from its sealed current version: what the IAM,
 * SES and SMTP checks need to know which user, region and endpoint to look at.
 *
 * @param accessKeyIds the access key ids of every version the vault holds, current first
 */
public record EntryFacts(String name, String type, Optional<String> region, Optional<String> iamUser,
    Optional<String> currentKeyId, List<String> accessKeyIds, Optional<String> smtpHost,
    Optional<Integer> smtpPort) {
  public EntryFacts {
    accessKeyIds = List.copyOf(accessKeyIds);
  }
}
