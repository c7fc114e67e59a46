package dev.sesame.aws;

import dev.sesame.crypto.Aead;
import dev.sesame.crypto.Hkdf;
import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Wipe;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.WrapDomain;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * A key file kept in AWS Secrets Manager: 32 random bytes stored as the secret's binary value (or
 * as base64 text), fetched with one {@code GetSecretValue} (AWSCURRENT) when the vault opens. The
 * key-encryption key is derived exactly like a key file's, HKDF-SHA256 with the vault id as salt,
 * under its own info string, so the same material used by two vaults (or as a key file too)
 * yields unrelated wrapping keys.
 *
 * <p>Slot parameters: {@code secret-id} (name or ARN) and {@code region}. The wrapped key is
 * AES-256-GCM with the same associated data as every local slot (docs/vault-format.md). A slot
 * is opened only when the secret it names is one this host pins ({@link TrustedKeys}: the ARN,
 * or a name that is a pinned ARN's in the slot's region), and the secret is then read by its
 * pinned ARN; any other slot is refused without an AWS call, since whoever controls a secret the
 * slot could name would otherwise choose the data key.
 *
 * <p>The secret must not be rotated by Secrets Manager: a new AWSCURRENT value no longer opens the
 * slot. To move to new material, add a slot for a new secret with {@code passwd}.
 *
 * <p>A refusal (access denied, no such secret, Secrets Manager cannot decrypt it with its KMS
 * key, or material that does not open the slot) makes {@link #unwrap} return empty and is named
 * by {@link #describe()}; failing to reach AWS is {@link AwsKeySourceException}.
 */
public final class SecretsManagerKeySource implements KeySource {
  public static final String TYPE = "aws-secretsmanager";
  public static final int KEY_BYTES = 32;
  // Secrets Manager API reference: GetSecretValue, Errors.
  private static final Set<String> REFUSALS =
      Set.of("AccessDeniedException", "ResourceNotFoundException", "DecryptionFailure");

  private final String secretId;
  private final Function<String, SecretsManagerClient> clientForRegion;
  private final TrustedKeys trusted;
  private final Map<String, byte[]> materialBySecret = new java.util.HashMap<>();
  /** The configured secret's ARN, once AWS named it: what hosts pin. */
  private volatile String secretArn;
  private volatile String lastRefusal;

  private SecretsManagerKeySource(String secretId, Function<String, SecretsManagerClient> clientForRegion,
      TrustedKeys trusted) {
    this.secretId = secretId;
    this.clientForRegion = clientForRegion;
    this.trusted = trusted;
  }

  /** Wraps new slots with the material in SECRET_ID (read through CLIENTS) and opens any slot. */
  public static SecretsManagerKeySource create(AwsClients clients, String secretId) {
    Objects.requireNonNull(clients, "clients");
    if (secretId == null || secretId.isBlank()) {
      throw new IllegalArgumentException("a Secrets Manager secret id is needed");
    }
    return new SecretsManagerKeySource(secretId, region -> clients.secretsManager(), TrustedKeys.NONE);
  }

  /** Opens only slots naming a secret TRUSTED pins, reading it by its pinned ARN in its region. */
  public static SecretsManagerKeySource forSlots(Function<String, SecretsManagerClient> clientsForRegion,
      TrustedKeys trusted) {
    return new SecretsManagerKeySource(null, Objects.requireNonNull(clientsForRegion), Objects.requireNonNull(trusted));
  }

  /** The configured secret's ARN (what hosts pin), once AWS has named it. */
  public Optional<String> secretArn() {
    return Optional.ofNullable(secretArn);
  }

  /**
   * Creates SECRET_ID with 32 fresh random bytes unless it exists (as init creates a missing key
   * file). Returns true when it created the secret.
   */
  public boolean createIfMissing() throws VaultException {
    SecretsManagerClient sm = clientForRegion.apply(null);
    try {
      secretArn = AwsFailures.call("secretsmanager:DescribeSecret", () -> sm.describeSecret(r -> r.secretId(secretId)))
          .arn();
      return false;
    } catch (AwsException failure) {
      if (failure.kind() != AwsException.Kind.NOT_FOUND) {
        throw new AwsKeySourceException("cannot look up key secret " + secretId, failure);
      }
    }
    byte[] material = Randomness.bytes(KEY_BYTES);
    try {
      secretArn = AwsFailures.call("secretsmanager:CreateSecret", () -> sm.createSecret(r -> r.name(secretId)
          .description("Sesame vault key material (32 bytes). Do not rotate: a new value stops "
              + "opening the vault; add a new key source with 'sesame passwd' instead.")
          .secretBinary(SdkBytes.fromByteArray(material)))).arn();
      return true;
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot create key secret " + secretId, failure);
    } finally {
      Wipe.bytes(material);
    }
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String describe() {
    String words = secretId == null ? "AWS Secrets Manager (trusted key secrets)"
        : "AWS Secrets Manager secret " + secretId;
    String refusal = lastRefusal;
    return refusal == null ? words : words + " [" + refusal + "]";
  }

  @Override
  public KeySlot wrap(String vaultId, byte[] dataKey) throws VaultException {
    if (secretId == null) {
      throw new IllegalStateException("this Secrets Manager source only opens slots; name a secret");
    }
    SecretsManagerClient sm = clientForRegion.apply(null);
    return seal(vaultId, dataKey, secretId, secretId, sm.serviceClientConfiguration().region().id(), sm);
  }

  @Override
  public KeySlot rewrap(String vaultId, KeySlot slot, byte[] dataKey) throws VaultException {
    Optional<String> readAs = readAs(slot);
    if (readAs.isEmpty()) {
      throw new VaultException.WrongKey("cannot wrap the data key: " + lastRefusal);
    }
    String region = slot.param("region");
    return seal(vaultId, dataKey, slot.param("secret-id"), readAs.get(), region, clientFor(slot));
  }

  /** A slot naming SECRET (as written in the slot), whose material is read as READ_AS. */
  private KeySlot seal(String vaultId, byte[] dataKey, String secret, String readAs, String region,
      SecretsManagerClient sm) throws VaultException {
    Optional<byte[]> material = material(readAs, sm, "wrap");
    if (material.isEmpty()) {
      throw new VaultException.WrongKey("cannot wrap the data key: " + lastRefusal);
    }
    Map<String, String> params = new TreeMap<>();
    params.put("region", region);
    params.put("secret-id", secret);
    String slotId = KmsKeySource.newSlotId();
    byte[] kek = kek(material.get(), vaultId);
    Aead aead = Aead.create(kek);
    try {
      byte[] wrapped = aead.encrypt(dataKey, associatedData(vaultId, slotId, TYPE, params));
      return new KeySlot(slotId, TYPE, params, wrapped);
    } finally {
      aead.destroy();
      Wipe.bytes(kek);
    }
  }

  @Override
  public Optional<byte[]> unwrap(String vaultId, KeySlot slot) throws VaultException {
    String secret = slot.param("secret-id");
    Optional<String> readAs = readAs(slot);
    if (readAs.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> material = material(readAs.get(), clientFor(slot), slot.id());
    if (material.isEmpty()) {
      return Optional.empty();
    }
    byte[] kek = kek(material.get(), vaultId);
    Aead aead = Aead.create(kek);
    try {
      return Optional.of(aead.decrypt(slot.wrappedKey(), associatedData(vaultId, slot.id(), slot.type(),
          slot.params())));
    } catch (GeneralSecurityException wrongMaterial) {
      lastRefusal = "slot " + slot.id() + ": the current value of secret " + secret
          + " does not open it (was the secret rotated or overwritten?)";
      return Optional.empty();
    } finally {
      aead.destroy();
      Wipe.bytes(kek);
    }
  }

  /**
   * What to read for SLOT: the configured secret of a wrapping source when the slot names it, else
   * the ARN this host pins for the secret the slot names; empty (refusal recorded) for any other.
   * Checked before any AWS call.
   */
  private Optional<String> readAs(KeySlot slot) throws VaultException {
    String named = slot.param("secret-id");
    String region = slot.param("region");
    if (secretId != null && (named.equals(secretId) || named.equals(secretArn))) {
      return Optional.of(secretId);
    }
    Optional<TrustedKeys.Arn> pinned = trusted.secret(named, region);
    if (pinned.isEmpty()) {
      lastRefusal = "slot " + slot.id() + " names key secret " + named + " in " + region
          + ", which this host does not trust: refused as tampering, no AWS call made (if the secret is yours, "
          + TrustedKeys.howToPin() + ")";
      return Optional.empty();
    }
    return Optional.of(pinned.get().text());
  }

  /** The client for SLOT's secret: a wrapping source's own, else the pinned ARN's region. */
  private SecretsManagerClient clientFor(KeySlot slot) throws VaultException {
    if (secretId != null) {
      return clientForRegion.apply(null);
    }
    return clientForRegion.apply(trusted.secret(slot.param("secret-id"), slot.param("region")).orElseThrow().region());
  }

  /** Wipes the fetched key material. */
  @Override
  public synchronized void destroy() {
    materialBySecret.values().forEach(Wipe::bytes);
    materialBySecret.clear();
  }

  private synchronized Optional<byte[]> material(String secret, SecretsManagerClient sm, String slotId)
      throws VaultException {
    byte[] cached = materialBySecret.get(secret);
    if (cached != null) {
      return Optional.of(cached);
    }
    GetSecretValueResponse value;
    try {
      value = AwsFailures.call("secretsmanager:GetSecretValue", () -> sm.getSecretValue(r -> r.secretId(secret).versionStage("AWSCURRENT")));
    } catch (AwsException failure) {
      if (failure.errorCode().filter(REFUSALS::contains).isPresent()) {
        lastRefusal = "slot " + slotId + ": " + failure.getMessage();
        return Optional.empty();
      }
      throw new AwsKeySourceException("cannot read key secret " + secret, failure);
    }
    if (secret.equals(secretId)) {
      secretArn = value.arn();
    }
    byte[] material = value.secretBinary() != null ? value.secretBinary().asByteArray()
        : decodeText(value.secretString());
    if (material == null || material.length != KEY_BYTES) {
      if (material != null) {
        Wipe.bytes(material);
      }
      lastRefusal = "secret " + secret + " does not hold " + KEY_BYTES + " bytes of key material";
      return Optional.empty();
    }
    materialBySecret.put(secret, material);
    return Optional.of(material);
  }

  private static byte[] decodeText(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static byte[] kek(byte[] material, String vaultId) {
    return Hkdf.sha256(material, vaultId.getBytes(StandardCharsets.US_ASCII), WrapDomain.of(vaultId).kekInfo(TYPE), 32);
  }

  /** The associated data every slot uses (docs/vault-format.md, "Key slots"). */
  static byte[] associatedData(String vaultId, String slotId, String type, Map<String, String> params) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lengthPrefixed(out, WrapDomain.of(vaultId).slotLabel());
    lengthPrefixed(out, vaultId);
    lengthPrefixed(out, slotId);
    lengthPrefixed(out, type);
    new TreeMap<>(params).forEach((name, value) -> {
      lengthPrefixed(out, name);
      lengthPrefixed(out, value);
    });
    return out.toByteArray();
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, String field) {
    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }
}
