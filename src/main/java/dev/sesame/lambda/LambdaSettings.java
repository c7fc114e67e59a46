package dev.sesame.lambda;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.StoreProtection;
import dev.sesame.aws.TrustedKeys;
import dev.sesame.rotate.Durations;
import dev.sesame.ses.ProbeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rotation function's configuration, from its environment (Lambda function configuration):
 * <ul>
 *   <li>{@code SESAME_STORE} (required): {@code sm://PREFIX}; the function rotates only secrets
 *       named PREFIX + entry name, and refuses any other secret it is invoked for;
 *   <li>{@code SESAME_SMTP_ENDPOINT}, {@code SESAME_SMTP_CA_FILE}: as for the CLI
 *       ({@link ProbeSettings}): where the new key's SMTP login is proved, and extra trusted CAs;
 *   <li>{@code SESAME_SMTP_DEADLINE} (default 120s): how long testSecret retries the SMTP login
 *       while IAM propagates the new key (keep it well under the function's timeout);
 *   <li>{@code SESAME_GRACE} (default 24h): how long the previous key stays active after
 *       finishSecret (cover the hosts' pull interval);
 *   <li>{@code SESAME_DELETE_AFTER} (default 24h): the safety gap between deactivating the
 *       previous key and deleting it ({@link dev.sesame.rotate.Rotator#withDeleteAfter});
 *   <li>{@code SESAME_STATE_DIR} (default /tmp/sesame): the entry lock files (a Lambda function
 *       can write only under /tmp);
 *   <li>{@code SESAME_STORE_KMS_KEY} or {@code SESAME_STORE_PLAIN=1} (one is required): the
 *       store's protection ({@link StoreProtection}): new versions are sealed under that KMS key
 *       (give its key ARN: it is then also trusted for reading), or written plain; never like the
 *       value read;
 *   <li>{@code SESAME_TRUSTED_KEYS}: further key ARNs that open the store's sealed values (a
 *       value sealed under any other key is refused without an AWS call).
 * </ul>
 * Durations are written as for the CLI: 90d, 24h, 30m, 120s.
 */
record LambdaSettings(String store, ProbeSettings probe, Duration smtpDeadline, Duration grace, Path stateDir,
    Duration deleteAfter, Optional<String> storeKmsKey, TrustedKeys trusted) {
  static final String STORE_KMS_KEY = "SESAME_STORE_KMS_KEY";
  static final String STORE_PLAIN = "SESAME_STORE_PLAIN";
  static final String STORE = "SESAME_STORE";
  static final String SMTP_DEADLINE = "SESAME_SMTP_DEADLINE";
  static final String GRACE = "SESAME_GRACE";
  static final String STATE_DIR = "SESAME_STATE_DIR";
  static final String DELETE_AFTER = "SESAME_DELETE_AFTER";

  /** Reads ENV; IllegalArgumentException names the variable that is missing or malformed. */
  static LambdaSettings fromEnvironment(Map<String, String> env) {
    String store = value(env, STORE, null);
    if (store == null) {
      throw new IllegalArgumentException(STORE + " is not set: give the store this function rotates, e.g. sm://sesame/prod/");
    }
    try {
      SecretsManagerStore.prefixOf(store);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(STORE + ": " + e.getMessage(), e);
    }
    String kmsKey = value(env, STORE_KMS_KEY, null);
    boolean plain = List.of("1", "true", "yes").contains(value(env, STORE_PLAIN, "").toLowerCase(Locale.ROOT));
    if ((kmsKey == null) != plain) {
      throw new IllegalArgumentException("set exactly one of " + STORE_KMS_KEY + " (the key ARN new versions are "
          + "sealed under) and " + STORE_PLAIN + "=1: the store's protection comes from here, never from a value read");
    }
    TrustedKeys trusted = TrustedKeys.load(List.of(), env);
    return new LambdaSettings(store, ProbeSettings.fromEnvironment(env),
        duration(env, SMTP_DEADLINE, "120s"), duration(env, GRACE, "24h"),
        Path.of(value(env, STATE_DIR, "/tmp/sesame")), duration(env, DELETE_AFTER, "24h"), Optional.ofNullable(kmsKey),
        kmsKey == null ? trusted : trusted.plusKmsKey(kmsKey));
  }

  /** The store's protection: sealed under the configured key (made with CLIENTS), or plain. */
  StoreProtection protection(AwsClients clients) {
    return storeKmsKey.map(key -> StoreProtection.sealed(List.of(KmsKeySource.create(clients, key))))
        .orElse(StoreProtection.plain());
  }

  private static Duration duration(Map<String, String> env, String name, String fallback) {
    try {
      return Durations.parse(value(env, name, fallback));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage());
    }
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}
