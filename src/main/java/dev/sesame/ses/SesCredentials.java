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

  /**
   * CURRENT with a new access key: region, IAM user, SMTP host and port stay as they are (a host
   * set by hand, such as a VPC endpoint or a FIPS endpoint, survives rotation); the username is the
   * new key id and the password is derived from the new secret.
   */
  public static Credential withNewKey(Credential current, String accessKeyId, String secretAccessKey) {
    return withNewKey(current, current.field(Credential.IAM_USER).orElse(""), accessKeyId, secretAccessKey);
  }

  /**
   * As {@link #withNewKey(Credential, String, String)}, for IAM_USER: the user IAM named for an
   * entry that did not record one (an imported SMTP password) is kept from now on.
   */
  public static Credential withNewKey(Credential current, String iamUser, String accessKeyId, String secretAccessKey) {
    String region = current.field(Credential.REGION).orElseThrow();
    Map<String, String> fields = new HashMap<>(fromAccessKey(region, iamUser, accessKeyId, secretAccessKey,
        Integer.parseInt(current.field(Credential.SMTP_PORT).orElse("587"))).fields());
    current.field(Credential.SMTP_HOST).ifPresent(host -> fields.put(Credential.SMTP_HOST, host));
    return Credential.of(EntryType.SES, fields);
  }
}
