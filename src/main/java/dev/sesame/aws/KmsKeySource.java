package dev.sesame.aws;

import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Wipe;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.VaultException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;

/**
 * The vault's data key wrapped by AWS KMS: {@code Encrypt} under a configured key (id, ARN or
 * alias) when a slot is made, {@code Decrypt} when the vault opens. The data key never leaves the
 * process except to KMS over TLS; KMS returns a ciphertext blob that only it can open, and only
 * for a caller whose IAM policy (or the key policy) allows {@code kms:Decrypt}. An EC2 instance
 * role with that permission opens the vault with no secret on the host.
 *
 * <p>Every call carries the encryption context {@code {"sesame-vault": VAULT_ID}}: KMS binds it
 * to the ciphertext as associated data (Decrypt fails with {@code InvalidCiphertextException}
 * for any other context), so a blob copied into another vault does not open, and CloudTrail
 * records which vault each Decrypt was for.
 *
 * <p>Slot parameters: {@code key-id} (as configured, for people), {@code key-arn} (the key ARN
 * KMS reported; Decrypt names it, so a blob made under another key fails with
 * {@code IncorrectKeyException} instead of silently using whatever key the blob names) and
 * {@code region} (where the key lives, so a host needs no region setting to open the vault).
 *
 * <p>A refusal (denied Decrypt, unknown or disabled key, a blob or context KMS rejects) means
 * "this source does not open this slot": {@link #unwrap} returns empty and {@link #describe()}
 * then names the reason, which the vault's wrong-key message quotes (exit 3). Not reaching KMS at
 * all is {@link AwsKeySourceException} (exit 7).
 */
public final class KmsKeySource implements KeySource {
  public static final String TYPE = "aws-kms";
  public static final String CONTEXT_KEY = "sesame-vault";

  // Error codes that mean "KMS will not open this blob for you" (KMS API reference: Decrypt,
  // Errors). Throttling, 5xx, network and credential failures are not among them.
  private static final Set<String> REFUSALS = Set.of("AccessDeniedException", "NotFoundException",
      "InvalidCiphertextException", "IncorrectKeyException", "DisabledException",
      "KMSInvalidStateException", "InvalidKeyUsageException", "KeyUnavailableException");

  private final String keyId;
  private final Function<String, KmsClient> clientForRegion;
  private volatile String lastRefusal;

  private KmsKeySource(String keyId, Function<String, KmsClient> clientForRegion) {
    this.keyId = keyId;
    this.clientForRegion = clientForRegion;
  }

  /**
   * A source that wraps new slots under KEY_ID (key id, key ARN, alias name or alias ARN) with
   * CLIENTS' KMS client, and opens any aws-kms slot with the key and region that slot names.
   */
  public static KmsKeySource create(AwsClients clients, String keyId) {
    Objects.requireNonNull(clients, "clients");
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("a KMS key id, ARN or alias is needed");
    }
    return new KmsKeySource(keyId, region -> clients.kms());
  }

  /**
   * A source that only opens slots: each aws-kms slot is decrypted in the region it names, with
   * the SDK's default credentials (an instance role, a profile, the environment). CLIENTS_FOR_REGION
   * builds (and owns) the client for a region.
   */
  public static KmsKeySource forSlots(Function<String, KmsClient> clientsForRegion) {
    return new KmsKeySource(null, Objects.requireNonNull(clientsForRegion));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String describe() {
    String words = keyId == null ? "AWS KMS (the key each slot names)" : "AWS KMS key " + keyId;
    String refusal = lastRefusal;
    return refusal == null ? words : words + " [" + refusal + "]";
  }

  @Override
  public KeySlot wrap(String vaultId, byte[] dataKey) throws VaultException {
    if (keyId == null) {
      throw new IllegalStateException("this KMS source only opens slots; name a key to wrap with");
    }
    return encrypt(vaultId, dataKey, keyId, keyId, clientForRegion.apply(null));
  }

  /** Rekey: the new data key goes under the same KMS key, in the same region, as the old slot. */
  @Override
  public KeySlot rewrap(String vaultId, KeySlot slot, byte[] dataKey) throws VaultException {
    return encrypt(vaultId, dataKey, slot.param("key-id"), slot.param("key-arn"),
        clientForRegion.apply(slot.param("region")));
  }

  private KeySlot encrypt(String vaultId, byte[] dataKey, String configuredKeyId, String encryptKeyId,
      KmsClient kms) throws VaultException {
    EncryptResponse encrypted = call("kms:Encrypt", () -> kms.encrypt(r -> r.keyId(encryptKeyId)
        .plaintext(SdkBytes.fromByteArray(dataKey))
        .encryptionContext(context(vaultId))));
    Map<String, String> params = new TreeMap<>();
    params.put("key-id", configuredKeyId);
    params.put("key-arn", encrypted.keyId());
    params.put("region", kms.serviceClientConfiguration().region().id());
    return new KeySlot(newSlotId(), TYPE, params, encrypted.ciphertextBlob().asByteArray());
  }

  @Override
  public Optional<byte[]> unwrap(String vaultId, KeySlot slot) throws VaultException {
    String keyArn = slot.param("key-arn");
    KmsClient kms = clientForRegion.apply(slot.param("region"));
    try {
      DecryptResponse decrypted = AwsCalls.call("kms:Decrypt", () -> kms.decrypt(r -> r.keyId(keyArn)
          .ciphertextBlob(SdkBytes.fromByteArray(slot.wrappedKey()))
          .encryptionContext(context(vaultId))));
      byte[] dataKey = decrypted.plaintext().asByteArray();
      if (dataKey.length != 32) {
        Wipe.bytes(dataKey);
        throw new VaultException.Corrupt("key slot " + slot.id() + " does not hold a 32-byte data key");
      }
      return Optional.of(dataKey);
    } catch (AwsException failure) {
      if (failure.errorCode().filter(REFUSALS::contains).isPresent()) {
        lastRefusal = "slot " + slot.id() + ": " + failure.getMessage();
        return Optional.empty();
      }
      throw new AwsKeySourceException("cannot open key slot " + slot.id() + " with AWS KMS", failure);
    }
  }

  static Map<String, String> context(String vaultId) {
    return Map.of(CONTEXT_KEY, vaultId);
  }

  static String newSlotId() {
    return "ks-" + HexFormat.of().formatHex(Randomness.bytes(4));
  }

  private static <T> T call(String operation, AwsCalls.Call<T> call) throws AwsKeySourceException {
    try {
      return AwsCalls.call(operation, call);
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot wrap the data key with AWS KMS", failure);
    }
  }
}
