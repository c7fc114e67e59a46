package dev.sesame.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sesame.crypto.Aead;
import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Sha256;
import dev.sesame.crypto.Wipe;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.WrapDomain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 * <p>A version's value (SecretString) is JSON, {@code "format": "sesame-sm/1"}, either
 * <em>sealed</em> — the credential encrypted client-side with AES-256-GCM under a fresh per-version
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
  /** What every new version is written in. */
  public static final String FORMAT = "sesame-sm/2";
  /**
   * The first format, still read: its slots shared the vault's labels (associated data, HKDF info,
   * KMS context key {@code sesame-vault}) and a vault_id-shaped wrap id. Rewritten at the next put
   * or rotation.
   */
  public static final String LEGACY_FORMAT = "sesame-sm/1";
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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
      value = AwsCalls.call("secretsmanager:GetSecretValue",
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
    StoredEntry read = decode(entry, name, value.versionId(), value.versionStages(), value.secretString(), openers);
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
      DescribeSecretResponse described = AwsCalls.call("secretsmanager:DescribeSecret",
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
        AwsCalls.call("secretsmanager:TagResource", () -> sm.tagResource(r -> r.secretId(name).tags(tags)));
      }
      if (!remove.isEmpty()) {
        AwsCalls.call("secretsmanager:UntagResource",
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
      AwsCalls.call("secretsmanager:UpdateSecretVersionStage", () -> sm.updateSecretVersionStage(
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
    List<SlotMaker> makers = sealWith.stream().<SlotMaker>map(source -> source::wrap).toList();
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
    List<SlotMaker> makers = protection.sealWith().stream().<SlotMaker>map(source -> source::wrap).toList();
    return write(entry, credential, makers, true, token, true);
  }

  /** Makes one key slot for a version's data key, bound to the version's wrap id. */
  @FunctionalInterface
  interface SlotMaker {
    KeySlot make(String wrapId, byte[] dataKey) throws VaultException;
  }

  /** KNOWN_TO_EXIST: the caller has just read a version of the secret, so no look-up is needed. */
  private String write(String entry, Credential credential, List<SlotMaker> sealWith, boolean pending,
      String versionId, boolean knownToExist) throws VaultException {
    String name = secretName(entry);
    boolean exists = knownToExist;
    if (!exists) {
      try {
        AwsCalls.call("secretsmanager:DescribeSecret", () -> sm.describeSecret(r -> r.secretId(name)));
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
    String text = encode(name, versionId, credential, clock.instant().truncatedTo(ChronoUnit.SECONDS), sealWith);
    try {
      if (!exists) {
        AwsCalls.call("secretsmanager:CreateSecret", () -> sm.createSecret(r -> r.name(name)
            .clientRequestToken(versionId).secretString(text)
            .description("Sesame SMTP credential " + entry + " (" + FORMAT + ")")));
      } else {
        AwsCalls.call("secretsmanager:PutSecretValue", () -> sm.putSecretValue(r -> {
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
      Map<String, List<String>> stages = AwsCalls.call("secretsmanager:DescribeSecret",
          () -> sm.describeSecret(r -> r.secretId(name))).versionIdsToStages();
      String current = stages.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT"))
          .map(Map.Entry::getKey).findFirst().orElse(null);
      if (!versionId.equals(current)) {
        AwsCalls.call("secretsmanager:UpdateSecretVersionStage", () -> sm.updateSecretVersionStage(r -> {
          r.secretId(name).versionStage("AWSCURRENT").moveToVersionId(versionId);
          if (current != null) {
            r.removeFromVersionId(current);
          }
        }));
      }
      if (stages.getOrDefault(versionId, List.of()).contains("AWSPENDING")) {
        AwsCalls.call("secretsmanager:UpdateSecretVersionStage", () -> sm.updateSecretVersionStage(
            r -> r.secretId(name).versionStage("AWSPENDING").removeFromVersionId(versionId)));
      }
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot promote " + name + " in Secrets Manager", failure);
    }
  }

  /** Entry names in the store (secrets under the prefix), sorted. */
  public List<String> list() throws VaultException {
    try {
      return AwsCalls.call("secretsmanager:ListSecrets", () -> sm.listSecretsPaginator(
              r -> r.filters(f -> f.key("name").values(prefix)))
          .stream().flatMap(page -> page.secretList().stream())
          .map(s -> s.name()).filter(n -> n.startsWith(prefix)).map(n -> n.substring(prefix.length()))
          .sorted().toList());
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot list store " + SCHEME + prefix, failure);
    }
  }

  // ---- the value format ------------------------------------------------------------------------

  static String encode(String secretName, String versionId, Credential credential, Instant createdAt,
      List<SlotMaker> sealWith) throws VaultException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("format", FORMAT);
      json.writeStringField("type", credential.type().wireName());
      json.writeStringField("created_at", createdAt.toString());
      if (sealWith.isEmpty()) {
        json.writeObjectFieldStart("fields");
        for (Map.Entry<String, String> field : credential.fields().entrySet()) {
          json.writeStringField(field.getKey(), field.getValue());
        }
        json.writeEndObject();
      } else {
        byte[] dataKey = Randomness.bytes(Aead.KEY_BYTES);
        byte[] body = fieldsJson(credential);
        Aead aead = Aead.create(dataKey);
        try {
          String wrapId = wrapId(FORMAT, secretName, versionId);
          json.writeArrayFieldStart("key_slots");
          for (SlotMaker maker : sealWith) {
            writeSlot(json, maker.make(wrapId, dataKey));
          }
          json.writeEndArray();
          byte[] sealed = aead.encrypt(body, associatedData(FORMAT, secretName, versionId,
              credential.type().wireName(), createdAt.toString()));
          json.writeStringField("sealed", Base64.getEncoder().encodeToString(sealed));
        } finally {
          aead.destroy();
          Wipe.bytes(dataKey, body);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static StoredEntry decode(String entry, String secretName, String versionId, List<String> stages, String text,
      List<KeySource> openers) throws VaultException {
    String format = null;
    String type = null;
    String createdAt = null;
    Map<String, String> fields = null;
    List<KeySlot> slots = null;
    String sealed = null;
    try (JsonParser json = JSON.createParser(text)) {
      expect(json.nextToken() == JsonToken.START_OBJECT, secretName);
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken token = json.nextToken();
        switch (field) {
          case "format" -> format = string(json, secretName);
          case "type" -> type = string(json, secretName);
          case "created_at" -> createdAt = string(json, secretName);
          case "fields" -> fields = readStrings(json, secretName);
          case "sealed" -> sealed = string(json, secretName);
          case "key_slots" -> {
            expect(token == JsonToken.START_ARRAY, secretName);
            slots = new ArrayList<>();
            while (json.nextToken() == JsonToken.START_OBJECT) {
              slots.add(readSlot(json, secretName));
            }
            expect(json.currentToken() == JsonToken.END_ARRAY, secretName);
          }
          default -> throw new VaultException.Corrupt("secret " + secretName + " has an unknown field " + field);
        }
      }
      expect(json.currentToken() == JsonToken.END_OBJECT && json.nextToken() == null, secretName);
    } catch (IOException e) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a Sesame value (not JSON)");
    }
    if (!(FORMAT.equals(format) || LEGACY_FORMAT.equals(format)) || type == null || createdAt == null
        || (fields == null) == (sealed == null) || (sealed != null && (slots == null || slots.isEmpty()))
        || (fields != null && slots != null)) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a " + FORMAT + " value");
    }
    EntryType entryType;
    Instant created;
    try {
      entryType = EntryType.parse(type);
      created = Instant.parse(createdAt);
    } catch (RuntimeException e) {
      throw new VaultException.Corrupt("secret " + secretName + " has a malformed type or created_at");
    }
    if (!created.toString().equals(createdAt)) {
      throw new VaultException.Corrupt("secret " + secretName + " has a created_at not in canonical form");
    }
    if (sealed != null) {
      fields = unseal(format, secretName, versionId, type, createdAt, slots, base64(sealed, secretName), openers);
    }
    try {
      return new StoredEntry(entry, versionId, stages, Credential.of(entryType, fields), created,
          slots == null ? List.of() : slots);
    } catch (IllegalArgumentException e) {
      throw new VaultException.Corrupt("secret " + secretName + ": " + e.getMessage());
    }
  }

  private static Map<String, String> unseal(String format, String secretName, String versionId, String type,
      String createdAt, List<KeySlot> slots, byte[] sealed, List<KeySource> openers) throws VaultException {
    String wrapId = wrapId(format, secretName, versionId);
    for (KeySource opener : openers) {
      for (KeySlot slot : slots) {
        if (!slot.type().equals(opener.type())) {
          continue;
        }
        Optional<byte[]> dataKey = opener.unwrap(wrapId, slot);
        if (dataKey.isEmpty()) {
          continue;
        }
        Aead aead = Aead.create(dataKey.get());
        byte[] body = null;
        try {
          body = aead.decrypt(sealed, associatedData(format, secretName, versionId, type, createdAt));
          return readFields(body, secretName);
        } catch (GeneralSecurityException e) {
          throw new VaultException.Corrupt("secret " + secretName + " version " + versionId
              + " failed authentication: it was altered, or copied from another entry or version");
        } finally {
          aead.destroy();
          Wipe.bytes(dataKey.get());
          if (body != null) {
            Wipe.bytes(body);
          }
        }
      }
    }
    String offered = String.join(" / ", openers.stream().map(KeySource::describe).toList());
    throw new VaultException.WrongKey("wrong key: " + (offered.isEmpty() ? "no key source" : offered)
        + " does not open secret " + secretName);
  }

  /**
   * The id key sources bind a per-version data key to (KMS encryption context, HKDF salt):
   * {@code sm2-} + 32 hex for FORMAT, which a vault id (32 hex) can never be, so the slot's labels
   * are the store's own ({@link WrapDomain#STORE}); the legacy format's was vault_id-shaped.
   */
  static String wrapId(String format, String secretName, String versionId) {
    byte[] digest = Sha256.hash((format + "\0" + secretName + "\0" + versionId).getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(digest, 0, 16);
    return FORMAT.equals(format) ? WrapDomain.STORE_ID_PREFIX + hex : hex;
  }

  static byte[] associatedData(String format, String secretName, String versionId, String type, String createdAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String field : List.of(format + " entry", secretName, versionId, type, createdAt)) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] fieldsJson(Credential credential) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, String> field : credential.fields().entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  private static Map<String, String> readFields(byte[] body, String secretName) throws VaultException {
    try (JsonParser json = JSON.createParser(body)) {
      expect(json.nextToken() == JsonToken.START_OBJECT, secretName);
      return readStrings(json, secretName);
    } catch (IOException e) {
      throw new VaultException.Corrupt("secret " + secretName + " has a malformed sealed body");
    }
  }

  private static Map<String, String> readStrings(JsonParser json, String secretName) throws IOException, VaultException {
    expect(json.currentToken() == JsonToken.START_OBJECT, secretName);
    Map<String, String> values = new LinkedHashMap<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      expect(json.nextToken() == JsonToken.VALUE_STRING, secretName);
      values.put(name, json.getText());
    }
    expect(json.currentToken() == JsonToken.END_OBJECT, secretName);
    return values;
  }

  /** The current token as a string: any other JSON type is refused, as the vault's reader does. */
  private static String string(JsonParser json, String secretName) throws IOException, VaultException {
    expect(json.currentToken() == JsonToken.VALUE_STRING, secretName);
    return json.getText();
  }

  /** Standard base64 with padding that re-encodes to the same text (one spelling per value). */
  private static byte[] base64(String text, String secretName) throws VaultException {
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      if (Base64.getEncoder().encodeToString(bytes).equals(text)) {
        return bytes;
      }
    } catch (IllegalArgumentException malformed) {
      // refused below
    }
    throw new VaultException.Corrupt("secret " + secretName + " has malformed base64");
  }

  private static void writeSlot(JsonGenerator json, KeySlot slot) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", slot.id());
    json.writeStringField("type", slot.type());
    json.writeObjectFieldStart("params");
    for (Map.Entry<String, String> param : slot.params().entrySet()) {
      json.writeStringField(param.getKey(), param.getValue());
    }
    json.writeEndObject();
    json.writeStringField("wrapped_key", Base64.getEncoder().encodeToString(slot.wrappedKey()));
    json.writeEndObject();
  }

  private static KeySlot readSlot(JsonParser json, String secretName) throws IOException, VaultException {
    String id = null;
    String type = null;
    Map<String, String> params = new TreeMap<>();
    byte[] wrapped = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "id" -> id = string(json, secretName);
        case "type" -> type = string(json, secretName);
        case "params" -> params.putAll(readStrings(json, secretName));
        case "wrapped_key" -> wrapped = base64(string(json, secretName), secretName);
        default -> throw new VaultException.Corrupt("secret " + secretName + " has a malformed key slot");
      }
    }
    expect(json.currentToken() == JsonToken.END_OBJECT, secretName);
    if (id == null || type == null || wrapped == null) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a " + FORMAT + " value");
    }
    return new KeySlot(id, type, params, wrapped);
  }

  private static void expect(boolean condition, String secretName) throws VaultException.Corrupt {
    if (!condition) {
      throw new VaultException.Corrupt("secret " + secretName + " does not hold a " + FORMAT + " value");
    }
  }
}
