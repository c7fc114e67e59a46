package dev.sesame.vault;

import dev.sesame.crypto.Argon2id;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Builds credentials and key sources for vault tests. */
final class VaultFixtures {
  /** Cheap Argon2id for tests; the defaults are exercised by the benchmark. */
  static final Argon2id.Params FAST_KDF = new Argon2id.Params(8 * 1024, 1, 1);

  private VaultFixtures() {}

  static Credential ses(String accessKeyId, String secret) {
    Map<String, String> fields = new HashMap<>();
    fields.put(Credential.REGION, "eu-west-1");
    fields.put(Credential.IAM_USER, "ses-smtp");
    fields.put(Credential.ACCESS_KEY_ID, accessKeyId);
    fields.put(Credential.SECRET_ACCESS_KEY, secret);
    fields.put(Credential.SMTP_USERNAME, accessKeyId);
    fields.put(Credential.SMTP_PASSWORD, "B" + secret);
    fields.put(Credential.SMTP_HOST, "email-smtp.eu-west-1.amazonaws.com");
    fields.put(Credential.SMTP_PORT, "587");
    return Credential.of(EntryType.SES, fields);
  }

  static Credential smtp(String password) {
    return Credential.of(EntryType.SMTP, Map.of(
        Credential.SMTP_HOST, "smtp.example.com",
        Credential.SMTP_PORT, "2525",
        Credential.SMTP_USERNAME, "bob",
        Credential.SMTP_PASSWORD, password));
  }

  static KeyFileKeySource keyFile(Path dir, String name) throws VaultException {
    return KeyFileKeySource.createOrLoad(dir.resolve(name));
  }

  static PassphraseKeySource passphrase(String text) {
    return PassphraseKeySource.of(text.getBytes(StandardCharsets.UTF_8), FAST_KDF);
  }
}
