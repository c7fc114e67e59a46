package dev.sesame.aws;

import dev.sesame.vault.Credential;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.StoreValueCodec;
import dev.sesame.vault.VaultException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Secrets Manager as the shared store of a fleet ({@code --store sm://PREFIX}): one secret per
 * entry, named {@code PREFIX + NAME}, whose versions carry the native staging labels AWSCURRENT /
 * AWSPENDING / AWSPREVIOUS for Sesame's current / pending / previous.
 *
 * <p>A version's value (SecretString) is JSON, {@code "format": "sesame-sm/2"} ({@link StoreValueCodec},
 * which shares the key-slot JSON with the vault file), either <em>sealed</em> — the credential encrypted client-side with AES-256-GCM under a fresh per-version
 * data key, which key sources (normally a KMS key) wrap into {@code key_slots} exactly as vault
 * slots are made, so Secrets Manager and KMS only ever see ciphertext — or <em>plain</em>, the
 * fields as JSON, protected only by Secrets Manager's own KMS encryption and IAM. The associated
 * data binds a sealed value to its secret name and version id, so a value copied to another
 * entry or version does not open. docs/runbooks/fleet.md documents the layout.
 *
 * <p>Reading one entry is one {@code GetSecretValue} (plus, when sealed, one unwrap: a KMS
 * {@code Decrypt}); hosts that render from the store make exactly that per entry per run.
 */
public final class SecretsManagerStore {
  public static final String SCHEME = "sm://";
  /** What every new version is written in ({@link StoreValueCodec}, in the vault package). */
  public static final String FORMAT = StoreValueCodec.FORMAT;

  private final SecretsManagerClient sm;
  private final String prefix;
  private final Clock clock;
  private final StoreProtection protection;
  /** The RotationToken of the Lambda invocation this store object serves, sent with every PutSecretValue. */
  private final Optional<String> rotationToken;
  /** Versions this object has opened, by entry and version id: their values are immutable. */
  private final Map<String, StoredEntry> opened = new java.util.concurrent.ConcurrentHashMap<>();

  /** One version read from the store. */
  public record StoredEntry(String name, String versionId, List<String> stages, Credential credential,
      Instant createdAt, List<KeySlot> slots) {
    public StoredEntry {
      stages = List.copyOf(stages);
      slots = List.copyOf(slots);
    }

    /** Sealed client-side (true), or plain JSON protected only by Secrets Manager (false). */
    public boolean sealed() {
      return !slots.isEmpty();
    }

    /** Every field, created_at included, as `get` and the renderer see them. */
    public Map<String, String> allFields() {
      return credential.fieldsWithCreatedAt(createdAt);
    }

    @Override
    public String toString() {
      return "StoredEntry[" + name + " " + versionId + " " + stages + "]";
    }
  }

  private SecretsManagerStore(SecretsManagerClient sm, String prefix, Clock clock, StoreProtection protection,
      Optional<String> rotationToken) {
    this.sm = sm;
    this.prefix = prefix;
    this.clock = clock;
    this.protection = protection;
    this.rotationToken = rotationToken;
  }

  /**
   * This store for one invocation of a rotation function: every PutSecretValue carries TOKEN, the
   * event's RotationToken ("Required for secret rotations using an IAM assumed role or
   * cross-account rotation", API reference: PutSecretValue).
   */
  public SecretsManagerStore withRotationToken(Optional<String> token) {
    return new SecretsManagerStore(sm, prefix, clock, protection, token);
  }

  /** The store at URI ({@code sm://PREFIX}; a prefix not ending in '/' gets one), sealed values only, read-only. */
  public static SecretsManagerStore at(String uri, AwsClients clients) {
    return at(uri, clients, Clock.systemUTC(), StoreProtection.sealed(List.of()));
  }

  /**
   * The store at URI under PROTECTION (this side's configuration, never the values'), stamping new
   * versions' created_at from CLOCK.
   */
  public static SecretsManagerStore at(String uri, AwsClients clients, Clock clock, StoreProtection protection) {
    return new SecretsManagerStore(clients.secretsManager(), prefixOf(uri), clock, Objects.requireNonNull(protection),
        Optional.empty());
  }

  public StoreProtection protection() {
    return protection;
  }

  public static String prefixOf(String uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith(SCHEME) || uri.length() == SCHEME.length()) {
      throw new IllegalArgumentException("a store is named sm://PREFIX, e.g. sm://sesame/prod/");
    }
    String prefix = uri.substring(SCHEME.length());
    if (!allowedInNames(prefix)) {
      throw new IllegalArgumentException("store prefix " + prefix + " may hold only letters, digits and /_+=.@- "
          + "(Secrets Manager's rule for secret names)");
    }
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * The secret holding ENTRY. IllegalArgumentException (exit 2, before any AWS call) when the name
   * breaks Secrets Manager's rules (API reference: CreateSecret, Name): at most 512 characters
   * of letters, digits and /_+=.@-, and not ending in a hyphen and six characters, which partial
   * ARN matching would take for the ARN's random suffix.
   */
  public String secretName(String entry) {
    String name = prefix + entry;
    if (name.length() > 512 || !allowedInNames(name)) {
      throw new IllegalArgumentException("secret name " + name + " must be at most 512 letters, digits and /_+=.@- "
          + "(Secrets Manager's rule for secret names)");
    }
    if (name.length() > 7 && name.charAt(name.length() - 7) == '-') {
      throw new IllegalArgumentException("secret name " + name + " ends in a hyphen and six characters, which "
          + "Secrets Manager would confuse with an ARN's random suffix; choose another entry name");
    }
    return name;
  }

  private static boolean allowedInNames(String text) {
    return text.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "/_+=.@-".indexOf(c) >= 0);
  }

  /** The Secrets Manager staging label for a Sesame label. */
  public static String stage(Label label) {
    return switch (label) {
      case CURRENT -> "AWSCURRENT";
      case PENDING -> "AWSPENDING";
      case PREVIOUS -> "AWSPREVIOUS";
    };
  }

  /** The Sesame labels among a version's staging labels STAGES (null: none). */
  public static Set<Label> labels(List<String> stages) {
    Set<Label> labels = EnumSet.noneOf(Label.class);
    for (Label label : Label.values()) {
      if (stages != null && stages.contains(stage(label))) {
        labels.add(label);
      }
    }
    return labels;
  }

  /**
   * Reads the version of ENTRY that carries LABEL: one GetSecretValue. A sealed value is opened
   * with the first of OPENERS that unwraps one of its slots.
   *
   * @throws VaultException.NotFound when the secret or the label does not exist
   * @throws VaultException.WrongKey when no opener opens a sealed value
   * @throws VaultException.Corrupt when the value is not a Sesame value or fails authentication
   * @throws AwsKeySourceException when Secrets Manager cannot be reached or refuses the read
   */
  public StoredEntry read(String entry, Label label, List<KeySource> openers) throws VaultException {
    return read(entry, label.wireName(), openers, r -> r.versionStage(stage(label)));
  }

  /**
   * Reads version VERSION_ID of ENTRY (whatever its labels): one GetSecretValue and one unwrap
   * the first time, none after. A Secrets Manager version's value never changes (PutSecretValue
   * with an existing ClientRequestToken and another value is refused), so this store object
   * keeps what it opened; the stages of a repeated read are those of the first.
   */
  public StoredEntry readVersion(String entry, String versionId, String stage, List<KeySource> openers) throws VaultException {
    String key = entry + "\0" + versionId;
    StoredEntry known = opened.get(key);
    if (known != null) {
      return known;
    }
    // Both id and stage: a host policy may be narrowed by secretsmanager:VersionStage.
    StoredEntry read = read(entry, "version " + versionId, openers, r -> r.versionId(versionId).versionStage(stage));
    opened.put(key, read);
    return read;
  }

  /**
   * Version VERSION_ID of ENTRY, or empty when it has no value yet: RotateSecret puts AWSPENDING on
   * a new version named by its ClientRequestToken before the rotation function's createSecret
   * stores a value there, and GetSecretValue of such a version is ResourceNotFoundException (API
   * reference: RotateSecret; AWS's SecretsManagerRotationTemplate puts the value exactly when that
   * read fails).
   */
  public Optional<StoredEntry> readVersionIfValued(String entry, String versionId, String stage,
      List<KeySource> openers)
      throws VaultException {
    try {
      return Optional.of(readVersion(entry, versionId, stage, openers));
    } catch (VaultException.NotFound placeholder) {
      return Optional.empty();
    }
  }

  /** The staging label to name when reading a version that carries STAGES: Sesame's own first. */
  public static String stageToRead(List<String> stages) {
    for (Label label : Label.values()) {
      if (stages.contains(stage(label))) {
        return stage(label);
      }
    }
    return stages.get(0);
  }

  private StoredEntry read(String entry, String which, List<KeySource> openers,
      Consumer<GetSecretValueRequest.Builder> selector) throws VaultException {
    String name = secretName(entry);
    GetSecretValueResponse value;
    try {
      value = AwsFailures.call("secretsmanager:GetSecretValue",
          () -> sm.getSecretValue(r -> selector.accept(r.secretId(name))));
    } catch (AwsException failure) {
      if (failure.kind() == AwsException.Kind.NOT_FOUND) {
        throw new VaultException.NotFound("no " + which + " of " + entry + " in store "
            + SCHEME + prefix + " (" + failure.getMessage() + ")");
      }
      throw new AwsKeySourceException("cannot read " + name + " from Secrets Manager", failure);
    }
    if (value.secretString() == null) {
      throw new VaultException.Corrupt("secret " + name + " holds no Sesame value (binary secret)");
    }
    StoreValueCodec.Value decoded = StoreValueCodec.decode(name, value.versionId(), value.secretString(), openers);
    StoredEntry read = new StoredEntry(entry, value.versionId(), value.versionStages(), decoded.credential(),
        decoded.createdAt(), decoded.slots());
    if (!read.sealed() && !protection.acceptsPlain()) {
      throw new VaultException.Corrupt("secret " + name + " version " + read.versionId() + " holds a plain value, but "
          + "this store is sealed: refused as tampering (was a plain value written over a sealed entry?); if the "
          + "store is meant to be plain, give --store-plain or SESAME_STORE_PLAIN=1");
    }
    return read;
  }

  /** A secret's metadata: which version carries which staging labels, and its tags. */
  public record SecretMetadata(Map<String, List<String>> versionStages, Map<String, String> tags) {
    public SecretMetadata {
      versionStages = Map.copyOf(versionStages);
      tags = Map.copyOf(tags);
    }

    /** The id of the version carrying STAGE, if any. */
    public Optional<String> versionWith(String stage) {
      return versionStages.entrySet().stream().filter(e -> e.getValue().contains(stage))
          .map(Map.Entry::getKey).findFirst();
    }
  }

  /** DescribeSecret: staging labels and tags, no value. NotFound when the secret does not exist. */
  public SecretMetadata describe(String entry) throws VaultException {
    String name = secretName(entry);
    try {
      DescribeSecretResponse described = AwsFailures.call("secretsmanager:DescribeSecret",
          () -> sm.describeSecret(r -> r.secretId(name)));
      Map<String, String> tags = new TreeMap<>();
      described.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
      return new SecretMetadata(described.versionIdsToStages(), tags);
    } catch (AwsException failure) {
      if (failure.kind() == AwsException.Kind.NOT_FOUND) {
        throw new VaultException.NotFound("no entry " + entry + " in store " + SCHEME + prefix);
      }
      throw new AwsKeySourceException("cannot describe " + name + " in Secrets Manager", failure);
    }
  }

  /**
   * Sets the tags in SET and removes those named in REMOVE (TagResource, then UntagResource).
   * Tags are metadata, never secret: the rotator keeps its bookkeeping there.
   */
  public void updateTags(String entry, Map<String, String> set, Collection<String> remove) throws VaultException {
    String name = secretName(entry);
    try {
      if (!set.isEmpty()) {
        List<Tag> tags = set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
        AwsFailures.call("secretsmanager:TagResource", () -> sm.tagResource(r -> r.secretId(name).tags(tags)));
      }
      if (!remove.isEmpty()) {
        AwsFailures.call("secretsmanager:UntagResource",
            () -> sm.untagResource(r -> r.secretId(name).tagKeys(List.copyOf(remove))));
      }
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot tag " + name + " in Secrets Manager", failure);
    }
  }

  /** Takes AWSPENDING off VERSION_ID (a dropped rotation), if it is there. */
  public void removePending(String entry, String versionId) throws VaultException {
    String name = secretName(entry);
    try {
      AwsFailures.call("secretsmanager:UpdateSecretVersionStage", () -> sm.updateSecretVersionStage(
          r -> r.secretId(name).versionStage("AWSPENDING").removeFromVersionId(versionId)));
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot remove AWSPENDING from " + name, failure);
    }
  }

  /**
   * Stores CREDENTIAL as a new version of ENTRY (creating the secret for its first version),
   * sealed for SEAL_WITH, or plain when SEAL_WITH is empty. With PENDING the version gets only
   * AWSPENDING (NotFound when the secret does not exist yet: its first version would be
   * AWSCURRENT); otherwise AWSCURRENT moves to it (and AWSPREVIOUS to the version it left). The
   * version id is a fresh ClientRequestToken, so a retried call cannot create two versions.
   * Returns the version id.
   */
  public String write(String entry, Credential credential, List<KeySource> sealWith, boolean pending)
      throws VaultException {
    List<StoreValueCodec.SlotMaker> makers = sealWith.stream().<StoreValueCodec.SlotMaker>map(source -> source::wrap).toList();
    return write(entry, credential, makers, pending, UUID.randomUUID().toString(), false);
  }

  /**
   * A rotation's new version: CREDENTIAL as the AWSPENDING version TOKEN of ENTRY (TOKEN is the
   * ClientRequestToken, so a resumed rotation re-sending it cannot make a second version),
   * protected as this store's configuration says ({@link StoreProtection}): sealed under its
   * configured keys, or plain when configured plain. Never like the current value, whose
   * protection was chosen by whoever wrote it.
   */
  public String writePending(String entry, Credential credential, String token) throws VaultException {
    if (!protection.canWrite()) {
      throw new VaultException("no key to seal the new version of " + entry + " with: configure --store-kms-key "
          + "(SESAME_STORE_KMS_KEY), or --store-plain for a plain store");
    }
    List<StoreValueCodec.SlotMaker> makers = protection.sealWith().stream().<StoreValueCodec.SlotMaker>map(source -> source::wrap).toList();
    return write(entry, credential, makers, true, token, true);
  }

  /** KNOWN_TO_EXIST: the caller has just read a version of the secret, so no look-up is needed. */
  private String write(String entry, Credential credential, List<StoreValueCodec.SlotMaker> sealWith, boolean pending,
      String versionId, boolean knownToExist) throws VaultException {
    String name = secretName(entry);
    boolean exists = knownToExist;
    if (!exists) {
      try {
        AwsFailures.call("secretsmanager:DescribeSecret", () -> sm.describeSecret(r -> r.secretId(name)));
        exists = true;
      } catch (AwsException failure) {
        if (failure.kind() != AwsException.Kind.NOT_FOUND) {
          throw new AwsKeySourceException("cannot look up " + name, failure);
        }
      }
    }
    if (!exists && pending) {
      // The first version of a secret is AWSCURRENT whatever it asks for (API reference:
      // PutSecretValue, "If this operation creates the first version for the secret, then Secrets
      // Manager automatically attaches the staging label AWSCURRENT to it"): no pending without a current.
      throw new VaultException.NotFound("no entry " + entry + " in store " + SCHEME + prefix
          + ": a pending version needs a current one; store it with: sesame put " + entry + " --store " + SCHEME + prefix);
    }
    // Whole seconds, as the vault keeps created_at.
    String text = StoreValueCodec.encode(name, versionId, credential, clock.instant().truncatedTo(ChronoUnit.SECONDS), sealWith);
    try {
      if (!exists) {
        AwsFailures.call("secretsmanager:CreateSecret", () -> sm.createSecret(r -> r.name(name)
            .clientRequestToken(versionId).secretString(text)
            .description("Sesame SMTP credential " + entry + " (" + FORMAT + ")")));
      } else {
        AwsFailures.call("secretsmanager:PutSecretValue", () -> sm.putSecretValue(r -> {
          r.secretId(name).clientRequestToken(versionId).secretString(text);
          rotationToken.ifPresent(r::rotationToken);
          if (pending) {
            r.versionStages("AWSPENDING");
          }
        }));
      }
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot store " + name + " in Secrets Manager", failure);
    }
    return versionId;
  }

  /**
   * Finishes a rotation: AWSCURRENT moves to VERSION_ID (Secrets Manager moves AWSPREVIOUS to the
   * version it left) and AWSPENDING is removed from it, as a rotation function's finishSecret does.
   */
  public void promote(String entry, String versionId) throws VaultException {
    String name = secretName(entry);
    try {
      Map<String, List<String>> stages = AwsFailures.call("secretsmanager:DescribeSecret",
          () -> sm.describeSecret(r -> r.secretId(name))).versionIdsToStages();
      String current = stages.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT"))
          .map(Map.Entry::getKey).findFirst().orElse(null);
      if (!versionId.equals(current)) {
        AwsFailures.call("secretsmanager:UpdateSecretVersionStage", () -> sm.updateSecretVersionStage(r -> {
          r.secretId(name).versionStage("AWSCURRENT").moveToVersionId(versionId);
          if (current != null) {
            r.removeFromVersionId(current);
          }
        }));
      }
      if (stages.getOrDefault(versionId, List.of()).contains("AWSPENDING")) {
        AwsFailures.call("secretsmanager:UpdateSecretVersionStage", () -> sm.updateSecretVersionStage(
            r -> r.secretId(name).versionStage("AWSPENDING").removeFromVersionId(versionId)));
      }
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot promote " + name + " in Secrets Manager", failure);
    }
  }

  /** Entry names in the store (secrets under the prefix), sorted. */
  public List<String> list() throws VaultException {
    try {
      return AwsFailures.call("secretsmanager:ListSecrets", () -> sm.listSecretsPaginator(
              r -> r.filters(f -> f.key("name").values(prefix)))
          .stream().flatMap(page -> page.secretList().stream())
          .map(s -> s.name()).filter(n -> n.startsWith(prefix)).map(n -> n.substring(prefix.length()))
          .sorted().toList());
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot list store " + SCHEME + prefix, failure);
    }
  }
}
