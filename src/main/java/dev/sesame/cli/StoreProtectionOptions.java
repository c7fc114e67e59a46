package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.StoreProtection;
import dev.sesame.aws.TrustedKeys;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * `--store-kms-key` / `--store-plain`: how this host protects the store's values, for every
 * command that takes `--store` ({@link StoreProtection}). Never taken from a value read.
 */
final class StoreProtectionOptions {
  final Invocation io;

  StoreProtectionOptions(Invocation io) {
    this.io = io;
  }

  static final String PLAIN_ENV = "SESAME_STORE_PLAIN";

  @Option(names = "--store-kms-key", paramLabel = "KEYID", defaultValue = "${env:SESAME_STORE_KMS_KEY}",
      description = {"With --store: the store is sealed; new versions (put, rotate) are sealed under this KMS key",
          "(default: $SESAME_STORE_KMS_KEY). Given as a key ARN, it is also trusted for reading."})
  String kmsKey;

  @Option(names = "--store-plain",
      description = {"With --store: the store holds plain JSON, protected only by Secrets Manager's own",
          "encryption (also: SESAME_STORE_PLAIN=1). Without it, a plain value is refused as tampering."})
  boolean plainFlag;

  boolean sealedWithKey() {
    return kmsKey != null && !kmsKey.isBlank();
  }

  boolean plain() {
    String env = io.env(PLAIN_ENV);
    return plainFlag || (env != null && List.of("1", "true", "yes").contains(env.strip().toLowerCase(Locale.ROOT)));
  }

  /** The protection configured; both forms at once is a usage error. */
  StoreProtection protection(AwsClients clients) throws UserError {
    if (plain() && sealedWithKey()) {
      throw new UserError(ExitCode.USAGE, "give --store-kms-key (sealed) or --store-plain, not both "
          + "(check SESAME_STORE_KMS_KEY and " + PLAIN_ENV + ")");
    }
    if (plain()) {
      return StoreProtection.plain();
    }
    return StoreProtection.sealed(sealedWithKey() ? List.of(KmsKeySource.create(clients, kmsKey.strip())) : List.of());
  }

  /** TRUST plus the configured store key when it is a key ARN (an alias pins nothing). */
  TrustedKeys trust(TrustedKeys trust) {
    return sealedWithKey() ? trust.plusKmsKey(kmsKey) : trust;
  }

  /** For commands that write a new version: sealed with a key, or plain, must be configured. */
  void requireWritable(String command) throws UserError {
    if (!plain() && !sealedWithKey()) {
      throw new UserError(ExitCode.USAGE, command + " --store needs --store-kms-key KEYID (or SESAME_STORE_KMS_KEY) "
          + "to seal new versions, or --store-plain for a plain store");
    }
  }
}
