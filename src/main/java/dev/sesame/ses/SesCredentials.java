package dev.sesame.ses;

import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import java.util.HashMap;
import java.util.Map;

/** Builds the vault record of an SES SMTP credential from an IAM access key. */
public final class SesCredentials {
  private SesCredentials() {}

  /**
   * The SES entry for ACCESS_KEY_ID / SECRET in REGION: SMTP username = key id, password derived
   * for the region, host = the regional SMTP endpoint. IAM_USER may be empty.
   */
  public static Credential fromAccessKey(String region, String iamUser, String accessKeyId,
      String secretAccessKey, int smtpPort) {
    Map<String, String> fields = new HashMap<>();
    fields.put(Credential.REGION, region);
    fields.put(Credential.IAM_USER, iamUser);
    fields.put(Credential.ACCESS_KEY_ID, accessKeyId);
    fields.put(Credential.SECRET_ACCESS_KEY, secretAccessKey);
    fields.put(Credential.SMTP_USERNAME, accessKeyId);
    fields.put(Credential.SMTP_PASSWORD, SmtpPassword.derive(secretAccessKey, region));
    fields.put(Credential.SMTP_HOST, SesRegions.smtpHost(region));
    fields.put(Credential.SMTP_PORT, Integer.toString(smtpPort));
    return Credential.of(EntryType.SES, fields);
  }
}
