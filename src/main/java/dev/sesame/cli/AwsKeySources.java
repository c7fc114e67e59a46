package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerKeySource;
import dev.sesame.aws.TrustedKeys;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.VaultException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one class of the CLI that builds AWS key sources. Everything else sees only
 * {@link KeySource}, so the SDK's classes load only when a vault with an AWS slot is opened
 * without a local key, or when init/passwd are asked for an AWS source (design.md section 8:
 * keep the SDK off the key-file `get` path).
 */
final class AwsKeySources {
  static final String KMS = KmsKeySource.TYPE;
  static final String SECRETS_MANAGER = SecretsManagerKeySource.TYPE;

  private AwsKeySources() {}

  /**
   * Openers for a vault's AWS slots: each slot whose key TRUSTED pins is opened in that key's
   * region, with the SDK's default credentials (instance role, AWS_PROFILE, environment), or
   * SETTINGS' profile; any other is refused without an AWS call.
   */
  static List<KeySource> openers(Set<String> types, AwsSettings settings, TrustedKeys trusted) {
    Map<String, AwsClients> byRegion = new ConcurrentHashMap<>();
    java.util.function.Function<String, AwsClients> clients = region -> byRegion.computeIfAbsent(
        region == null ? "" : region,
        r -> AwsClients.create(new AwsSettings(settings.profile(),
            r.isEmpty() ? settings.region() : java.util.Optional.of(r))));
    List<KeySource> sources = new ArrayList<>();
    if (types.contains(KMS)) {
      sources.add(KmsKeySource.forSlots(region -> clients.apply(region).kms(), trusted));
    }
    if (types.contains(SECRETS_MANAGER)) {
      sources.add(SecretsManagerKeySource.forSlots(region -> clients.apply(region).secretsManager(),
          trusted));
    }
    return sources;
  }

  /** A KMS source that wraps new slots under KEY_ID (id, ARN or alias). */
  static KeySource kms(AwsSettings settings, String keyId) {
    return KmsKeySource.create(AwsClients.create(settings), keyId);
  }

  /**
   * The line to pin SOURCE's key on hosts, once it has wrapped something (empty for local sources):
   * printed by init, passwd and put --store, so an alias is resolved once, here, and hosts pin
   * the key ARN it stood for.
   */
  static java.util.Optional<String> pinLine(KeySource source) {
    java.util.Optional<String> arn = java.util.Optional.empty();
    if (source instanceof KmsKeySource kms) {
      arn = kms.wrappedUnder();
    } else if (source instanceof SecretsManagerKeySource secret) {
      arn = secret.secretArn();
    }
    return arn.map(a -> "pin on hosts: --trusted-key " + a + " (or that ARN in " + TrustedKeys.ENV + " or "
        + TrustedKeys.DEFAULT_FILE + ")");
  }

  /** A Secrets Manager source for SECRET_ID, creating the secret with fresh material if missing. */
  static KeySource secretsManager(AwsSettings settings, String secretId) throws VaultException {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(AwsClients.create(settings), secretId);
    if (source.createIfMissing()) {
      Console.ERR.println("created key secret " + secretId + " (32 random bytes)");
    }
    return source;
  }
}
