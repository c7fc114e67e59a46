package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsException;
import dev.sesame.aws.AwsKeySourceException;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.SecretsManagerStore.SecretMetadata;
import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.aws.StoreProtection;
import dev.sesame.aws.TrustedKeys;
import java.time.Clock;
import dev.sesame.render.FieldSource;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * `--store sm://PREFIX` for the commands that read (get, render): entries come from Secrets
 * Manager, one GetSecretValue per entry per command, and sealed values open with the key file
 * if one was given, else with the KMS or Secrets Manager key each value's slot names. Like
 * {@link AwsKeySources}, the only way from the CLI into the SDK for this feature.
 */
final class StoreAccess {
  private final SecretsManagerStore store;
  private final List<KeySource> openers;

  private StoreAccess(SecretsManagerStore store, List<KeySource> openers) {
    this.store = store;
    this.openers = openers;
  }

  static StoreAccess open(String uri, KeyOptions keys, StoreProtectionOptions protection)
      throws VaultException, UserError {
    return open(uri, keys, protection, AwsSettings.defaults());
  }

  /**
   * The store at URI as this host is configured: PROTECTION (sealed or plain, and the key new
   * versions are sealed under) and the keys it trusts (KEYS' trust settings, plus PROTECTION's
   * key when it is an ARN). Sealed values open with KEYS' key file if given, else with a trusted
   * KMS or Secrets Manager key; a value naming any other key is refused without an AWS call.
   */
  static StoreAccess open(String uri, KeyOptions keys, StoreProtectionOptions protection, AwsSettings settings)
      throws VaultException, UserError {
    TrustedKeys trust = protection.trust(keys == null ? new KeyOptions(protection.io).trust() : keys.trust());
    AwsClients clients = AwsClients.create(settings);
    StoreProtection policy = protection.protection(clients);
    List<KeySource> openers = new ArrayList<>();
    if (keys != null && keys.keyFile() != null) {
      openers.add(KeyFileKeySource.load(keys.keyFile()));
    }
    openers.addAll(AwsKeySources.openers(Set.of(AwsKeySources.KMS, AwsKeySources.SECRETS_MANAGER), settings, trust));
    return new StoreAccess(SecretsManagerStore.at(uri, clients, Clock.systemUTC(), policy), openers);
  }

  SecretsManagerStore store() {
    return store;
  }

  /** The key sources that open (and, for a rotation, re-seal like) the store's sealed values. */
  List<KeySource> openers() {
    return openers;
  }

  /**
   * Stores CREDENTIAL as the new AWSCURRENT version of ENTRY at URI as PROTECTION says: sealed
   * under its KMS key (a fresh data key per version, wrapped by KMS), or plain JSON. Returns the
   * version id and, for a sealed value, the line to pin the key on hosts.
   */
  static Written write(String uri, String entry, dev.sesame.vault.Credential credential,
      StoreProtectionOptions protection) throws VaultException, UserError {
    AwsClients clients = AwsClients.create(AwsSettings.defaults());
    List<KeySource> sealWith = protection.protection(clients).sealWith();
    try {
      String versionId = SecretsManagerStore.at(uri, clients).write(entry, credential, sealWith, false);
      return new Written(versionId, sealWith.stream().map(AwsKeySources::pinLine).flatMap(Optional::stream).findFirst());
    } finally {
      sealWith.forEach(KeySource::destroy);
    }
  }

  record Written(String versionId, Optional<String> pinLine) {}

  /** Entry names at URI. */
  static List<String> list(String uri) throws VaultException {
    return SecretsManagerStore.at(uri, AwsClients.create(AwsSettings.defaults())).list();
  }

  StoredEntry read(String entry, Label label) throws VaultException {
    return store.read(entry, label, openers);
  }

  /**
   * ENTRY's labelled versions and bookkeeping, for the doctor: one DescribeSecret (staging labels
   * and tags), then one GetSecretValue per version carrying AWSCURRENT, AWSPENDING or AWSPREVIOUS.
   * A pending version without a value yet (RotateSecret's placeholder) or on the current version
   * is left out, as the rotator reads it ({@link dev.sesame.rotate.StoreStorage}).
   */
  Labelled labelled(String entry) throws VaultException {
    SecretMetadata meta;
    try {
      meta = store.describe(entry);
    } catch (AwsKeySourceException e) {
      if (!(e.getCause() instanceof AwsException aws) || aws.kind() != AwsException.Kind.ACCESS_DENIED) {
        throw e;
      }
      // A host role may read values but not metadata (the fleet runbook's host policy grants only
      // GetSecretValue): the current version still answers the entry's facts and its age.
      StoredEntry current = store.read(entry, Label.CURRENT, openers);
      return new Labelled(List.of(new LabelledVersion(current, EnumSet.of(Label.CURRENT))), Map.of(),
          Optional.of("DescribeSecret was refused (" + aws.getMessage() + "), so the rotation's labels and tags "
              + "are unknown"));
    }
    String currentId = meta.versionWith(SecretsManagerStore.stage(Label.CURRENT)).orElseThrow(() ->
        new VaultException.NotFound("no AWSCURRENT version of " + entry + " (secret " + store.secretName(entry) + ")"));
    List<LabelledVersion> versions = new ArrayList<>();
    versions.add(new LabelledVersion(store.readVersion(entry, currentId, SecretsManagerStore.stage(Label.CURRENT), openers),
        SecretsManagerStore.labels(meta.versionStages().get(currentId))));
    for (Map.Entry<String, List<String>> version : meta.versionStages().entrySet()) {
      Set<Label> labels = SecretsManagerStore.labels(version.getValue());
      if (version.getKey().equals(currentId) || labels.isEmpty()) {
        continue;
      }
      // An AWSPENDING version without a value (RotateSecret's placeholder) is no pending version yet.
      store.readVersionIfValued(entry, version.getKey(), SecretsManagerStore.stageToRead(version.getValue()), openers)
          .ifPresent(read -> versions.add(new LabelledVersion(read, labels)));
    }
    return new Labelled(versions, meta.tags(), Optional.empty());
  }

  /**
   * What {@link #labelled} read: each version with its Sesame labels (the current one first), the
   * tags, and why the labels and tags are unknown when DescribeSecret was refused.
   */
  record Labelled(List<LabelledVersion> versions, Map<String, String> tags, Optional<String> bookkeepingProblem) {}

  record LabelledVersion(StoredEntry value, Set<Label> labels) {}


  /** Each entry's AWSCURRENT version, read once per run. */
  FieldSource fieldSource() {
    Map<String, Map<String, String>> read = new HashMap<>();
    return (entry, field) -> {
      Map<String, String> fields = read.get(entry);
      if (fields == null) {
        try {
          fields = read(entry, Label.CURRENT).allFields();
        } catch (VaultException.NotFound e) {
          return Optional.empty();
        } catch (VaultException e) {
          throw new Unreadable(e);
        }
        read.put(entry, fields);
      }
      return Optional.ofNullable(fields.get(field));
    };
  }

  /** A stored entry that exists but cannot be read or opened: the render stops. */
  static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(VaultException cause) {
      super(cause.getMessage(), cause);
    }

    VaultException vaultException() {
      return (VaultException) getCause();
    }
  }
}
