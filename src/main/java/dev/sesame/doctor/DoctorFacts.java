package dev.sesame.doctor;

import dev.sesame.aws.AwsSettings;
import dev.sesame.ses.TlsMode;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VaultIndex;
import dev.sesame.vault.VersionInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gathers what the doctor knows of the entry before any check runs, into a {@link DoctorContext}:
 * the vault's keyless index and, once a key opens it, the entry's non-secret fields; or, for an
 * entry of the shared store, its labelled versions and rotation bookkeeping. Whatever cannot be
 * read is recorded as the reason the checks that need it SKIP with; nothing here fails the run.
 */
public final class DoctorFacts {
  private DoctorFacts() {}

  /** Opens the vault's key sources; called only once an entry is named and a key offered (it may prompt). */
  @FunctionalInterface
  public interface KeySources<E extends Exception> {
    List<KeySource> open() throws VaultException, E;
  }

  /** Reads a store entry's labelled versions; the caller owns the store access (trust, protection, AWS). */
  @FunctionalInterface
  public interface StoreReader {
    StoreEntry read(String name) throws Exception;
  }

  /**
   * A store entry as read: AWSCURRENT first, then its other labelled versions, with the rotation
   * bookkeeping (kept in the secret's {@code sesame:*} tags, keyed here as a vault entry's state).
   *
   * @param bookkeepingProblem why the tags and labels could not be read, when only AWSCURRENT could
   */
  public record StoreEntry(List<StoreVersion> versions, Map<String, String> state, Optional<String> bookkeepingProblem) {
    public StoreEntry {
      versions = List.copyOf(versions);
      state = Map.copyOf(state);
    }
  }

  /** One store version: its opened credential, creation time and labels. */
  public record StoreVersion(Credential credential, Instant createdAt, Set<Label> labels) {
    public StoreVersion {
      labels = Set.copyOf(labels);
    }
  }

  /**
   * The vault at PATH: its index (read without a key) and, when entry NAME is given and a key is
   * offered, NAME's fields. Returns those fields when they could be read.
   */
  public static <E extends Exception> Optional<EntryFacts> fromVault(DoctorContext.Builder context, Path path,
      String name, Optional<Path> keyFile, boolean keyOffered, KeySources<E> keys) throws E {
    if (!Files.exists(path)) {
      context.vaultProblem("vault " + path + " does not exist");
      return Optional.empty();
    }
    try {
      context.vault(path, VaultIndex.read(path));
    } catch (VaultException | RuntimeException e) {
      context.vaultProblem("cannot read vault " + path + ": " + e.getMessage());
      return Optional.empty();
    }
    keyFile.ifPresent(context::keyFile);
    if (name == null) {
      context.vaultProblem("no entry named (sesame doctor NAME)");
      return Optional.empty();
    }
    if (!keyOffered) {
      context.vaultProblem("no key offered to unlock entry " + name + " (--key-file, --passphrase-stdin)");
      return Optional.empty();
    }
    try {
      List<KeySource> sources = keys.open();
      try (Vault opened = Vault.open(path, sources)) {
        EntryFacts facts = read(opened, name);
        context.entry(facts);
        return Optional.of(facts);
      }
    } catch (VaultException e) {
      context.vaultProblem("cannot read entry " + name + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Entry NAME of store URI (sm://PREFIX): its facts from AWSCURRENT (and the key ids of its other
   * labelled versions), and for key.age and rotation.pending its {@link EntryHistory}. A store
   * that cannot be read leaves the reason for the entry-dependent checks to SKIP with.
   */
  public static Optional<EntryFacts> fromStore(DoctorContext.Builder context, String uri, String name,
      Optional<Path> keyFile, boolean noAws, StoreReader reader) {
    context.store(uri);
    keyFile.ifPresent(context::keyFile);
    if (name == null) {
      context.vaultProblem("no entry named (sesame doctor NAME --store " + uri + ")");
      return Optional.empty();
    }
    if (noAws) {
      context.vaultProblem("--no-aws given: entry " + name + " of store " + uri + " cannot be read");
      return Optional.empty();
    }
    try {
      StoreEntry read = reader.read(name);
      List<EntryHistory.LabelledVersion> versions = new ArrayList<>();
      List<Credential> credentials = new ArrayList<>();
      for (StoreVersion version : read.versions()) {
        credentials.add(version.credential());
        versions.add(new EntryHistory.LabelledVersion(version.credential().type(), version.createdAt(),
            version.labels()));
      }
      EntryFacts facts = of(name, credentials.get(0), credentials);
      context.entry(facts);
      context.storeEntry(new EntryHistory(name, versions, read.state()));
      read.bookkeepingProblem().ifPresent(context::storeBookkeepingProblem);
      return Optional.of(facts);
    } catch (Exception e) {
      context.vaultProblem("cannot read entry " + name + " from store " + uri + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The From domain the checks judge: DOMAIN (--domain), else the one the expected policy names. */
  public static String fromDomain(String domain, String policyDomain, String policyAddress) {
    return domain != null ? domain
        : policyDomain != null ? policyDomain
        : policyAddress != null && policyAddress.contains("@")
            ? policyAddress.substring(policyAddress.lastIndexOf('@') + 1) : null;
  }

  /** SES is regional: without a Region given, ask the one the entry's credential belongs to. */
  public static AwsSettings awsSettings(AwsSettings given, Optional<EntryFacts> entry) {
    if (given.region().isEmpty() && entry.isPresent() && entry.get().region().isPresent()) {
      return new AwsSettings(given.profile(), entry.get().region());
    }
    return given;
  }

  /** The facts of entry NAME of an opened VAULT. */
  public static EntryFacts read(Vault vault, String name) throws VaultException {
    EntryInfo entry = vault.entry(name).orElseThrow(() -> new VaultException.NotFound("no entry named " + name));
    Credential current = vault.get(name, Label.CURRENT).credential();
    List<Credential> versions = new ArrayList<>();
    for (VersionInfo info : entry.versions()) {
      versions.add(vault.get(name, info.version()).credential());
    }
    return of(name, current, versions);
  }

  /** The facts of entry NAME: fields of its CURRENT version, the access key ids of all its VERSIONS, current first. */
  static EntryFacts of(String name, Credential current, List<Credential> versions) {
    List<String> keyIds = new ArrayList<>();
    current.field(Credential.ACCESS_KEY_ID).ifPresent(keyIds::add);
    for (Credential version : versions) {
      version.field(Credential.ACCESS_KEY_ID).filter(id -> !keyIds.contains(id)).ifPresent(keyIds::add);
    }
    Optional<Integer> port = current.field(Credential.SMTP_PORT).flatMap(p -> {
      try {
        return Optional.of(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
    Optional<TlsMode> tls = port.flatMap(p -> {
      try {
        return TlsMode.ofEntry(current.field(Credential.SMTP_TLS), p, current.type() == EntryType.SES);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
    return new EntryFacts(name, current.type().name().toLowerCase(Locale.ROOT),
        current.field(Credential.REGION), current.field(Credential.IAM_USER).filter(u -> !u.isEmpty()),
        current.field(Credential.ACCESS_KEY_ID), keyIds, current.field(Credential.SMTP_HOST), port, tls);
  }
}
