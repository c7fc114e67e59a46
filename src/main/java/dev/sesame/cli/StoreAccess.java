package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsException;
import dev.sesame.aws.AwsKeySourceException;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.SecretsManagerStore.SecretMetadata;
import dev.sesame.aws.SecretsManagerStore.StoredEntry;
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

  static StoreAccess open(String uri, KeyOptions keys) throws VaultException {
    return open(uri, keys, AwsSettings.defaults());
  }

  static StoreAccess open(String uri, KeyOptions keys, AwsSettings settings) throws VaultException {
    List<KeySource> openers = new ArrayList<>();
    if (keys != null && keys.keyFile() != null) {
      openers.add(KeyFileKeySource.load(keys.keyFile()));
    }
    openers.addAll(AwsKeySources.openers(Set.of(AwsKeySources.KMS, AwsKeySources.SECRETS_MANAGER), settings));
    return new StoreAccess(SecretsManagerStore.at(uri, AwsClients.create(settings)), openers);
  }

  SecretsManagerStore store() {
    return store;
  }

  /** The key sources that open (and, for a rotation, re-seal like) the store's sealed values. */
  List<KeySource> openers() {
    return openers;
  }

  /**
   * Stores CREDENTIAL as the new AWSCURRENT version of ENTRY at URI: sealed under KMS_KEY (a
   * fresh data key per version, wrapped by KMS), or plain JSON when KMS_KEY is empty. Returns the
   * version id.
   */
  static String write(String uri, String entry, dev.sesame.vault.Credential credential, Optional<String> kmsKey)
      throws VaultException {
    AwsClients clients = AwsClients.create(AwsSettings.defaults());
    List<KeySource> sealWith = kmsKey.isPresent()
        ? List.of(dev.sesame.aws.KmsKeySource.create(clients, kmsKey.get())) : List.of();
    return SecretsManagerStore.at(uri, clients).write(entry, credential, sealWith, false);
  }

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
    versions.add(new LabelledVersion(store.readVersion(entry, currentId, openers),
        SecretsManagerStore.labels(meta.versionStages().get(currentId))));
    for (Map.Entry<String, List<String>> version : meta.versionStages().entrySet()) {
      Set<Label> labels = SecretsManagerStore.labels(version.getValue());
      if (version.getKey().equals(currentId) || labels.isEmpty()) {
        continue;
      }
      // An AWSPENDING version without a value (RotateSecret's placeholder) is no pending version yet.
      store.readVersionIfValued(entry, version.getKey(), openers)
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
