package dev.sesame.aws;

import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Wipe;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.WrapDomain;
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
 * <p>Every call carries the encryption context {@code {"sesame-vault": VAULT_ID}} for a vault, or
 * {@code {"sesame-sm": WRAP_ID}} for a store value ({@link WrapDomain}): KMS binds it to the
 * ciphertext as associated data (Decrypt fails with {@code InvalidCiphertextException} for any
 * other context), so a blob copied into another vault does not open, and CloudTrail records which
 * vault each Decrypt was for.
 *
 * <p>Slot parameters: {@code key-id} (as configured, for people), {@code key-arn} (the key ARN
 * KMS reported) and {@code region}. None of them is authenticated before the data key is
 * unwrapped, and whoever may call kms:Encrypt on some key this host may decrypt with can make a
 * slot whose data key they chose. So a slot opens only when its key ARN is one this host pins
 * ({@link TrustedKeys}), or the one this source itself wrapped under; Decrypt then names the
 * pinned ARN, in the pinned ARN's region. Any other slot is refused without an AWS call.
 *
 * <p>A refusal (an untrusted key, denied Decrypt, unknown or disabled key, a blob or context KMS
 * rejects) means "this source does not open this slot": {@link #unwrap} returns empty and
 * {@link #describe()} then names the reason, which the vault's wrong-key message quotes (exit 3).
 * Not reaching KMS at all is {@link AwsKeySourceException} (exit 7).
 */
public final class KmsKeySource implements KeySource {
  public static final String TYPE = "aws-kms";
  /** The vault's encryption-context key; a store value's is {@link WrapDomain#STORE}'s. */
  public static final String CONTEXT_KEY = "sesame-vault";

  // Error codes that mean "KMS will not open this blob for you" (KMS API reference: Decrypt,
  // Errors). Throttling, 5xx, network and credential failures are not among them.
  private static final Set<String> REFUSALS = Set.of("AccessDeniedException", "NotFoundException",
      "InvalidCiphertextException", "IncorrectKeyException", "DisabledException",
      "KMSInvalidStateException", "InvalidKeyUsageException", "KeyUnavailableException");

  private final String keyId;
  private final Function<String, KmsClient> clientForRegion;
  private final TrustedKeys trusted;
  /** The key ARN KMS reported for this source's last Encrypt: what to pin on hosts. */
  private volatile String wrappedUnder;
  private volatile String lastRefusal;

  private KmsKeySource(String keyId, Function<String, KmsClient> clientForRegion, TrustedKeys trusted) {
    this.keyId = keyId;
    this.clientForRegion = clientForRegion;
    this.trusted = trusted;
  }

  /**
   * A source that wraps new slots under KEY_ID (key id, key ARN, alias name or alias ARN) with
   * CLIENTS' KMS client, and opens only slots of the key it wrapped under.
   */
  public static KmsKeySource create(AwsClients clients, String keyId) {
    Objects.requireNonNull(clients, "clients");
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("a KMS key id, ARN or alias is needed");
    }
    return new KmsKeySource(keyId, region -> clients.kms(), TrustedKeys.NONE.plusKmsKey(keyId));
  }

  /**
   * A source that only opens slots whose key TRUSTED pins: each is decrypted naming the pinned
   * ARN, in its region, with the SDK's default credentials (an instance role, a profile, the
   * environment). CLIENTS_FOR_REGION builds (and owns) the client for a region.
   */
  public static KmsKeySource forSlots(Function<String, KmsClient> clientsForRegion, TrustedKeys trusted) {
    return new KmsKeySource(null, Objects.requireNonNull(clientsForRegion), Objects.requireNonNull(trusted));
  }

  /** The key ARN this source last wrapped under (what hosts pin), if it wrapped anything. */
  public Optional<String> wrappedUnder() {
    return Optional.ofNullable(wrappedUnder);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String describe() {
    String words = keyId == null ? "AWS KMS (trusted keys)" : "AWS KMS key " + keyId;
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

  /** Rekey: the new data key goes under the same (pinned) KMS key, in its region, as the old slot. */
  @Override
  public KeySlot rewrap(String vaultId, KeySlot slot, byte[] dataKey) throws VaultException {
    TrustedKeys.Arn pinned = pinned(slot).orElseThrow(() -> new VaultException.WrongKey(lastRefusal));
    return encrypt(vaultId, dataKey, slot.param("key-id"), pinned.text(), clientForRegion.apply(pinned.region()));
  }

  private KeySlot encrypt(String vaultId, byte[] dataKey, String configuredKeyId, String encryptKeyId,
      KmsClient kms) throws VaultException {
    EncryptResponse encrypted = call("kms:Encrypt", () -> kms.encrypt(r -> r.keyId(encryptKeyId)
        .plaintext(SdkBytes.fromByteArray(dataKey))
        .encryptionContext(context(vaultId))));
    wrappedUnder = encrypted.keyId();
    Map<String, String> params = new TreeMap<>();
    params.put("key-id", configuredKeyId);
    params.put("key-arn", encrypted.keyId());
    params.put("region", kms.serviceClientConfiguration().region().id());
    return new KeySlot(newSlotId(), TYPE, params, encrypted.ciphertextBlob().asByteArray());
  }

  @Override
  public Optional<byte[]> unwrap(String vaultId, KeySlot slot) throws VaultException {
    Optional<TrustedKeys.Arn> pinned = pinned(slot);
    if (pinned.isEmpty()) {
      return Optional.empty();
    }
    String keyArn = pinned.get().text();
    KmsClient kms = clientForRegion.apply(pinned.get().region());
    try {
      DecryptResponse decrypted = AwsFailures.call("kms:Decrypt", () -> kms.decrypt(r -> r.keyId(keyArn)
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

  /**
   * The pinned key SLOT names, or empty (with the refusal recorded) when this host does not trust
   * it: checked before any AWS call, since nothing in a slot is authenticated yet.
   */
  private Optional<TrustedKeys.Arn> pinned(KeySlot slot) throws VaultException {
    String keyArn = slot.param("key-arn");
    Optional<TrustedKeys.Arn> pinned = trusted.kmsKey(keyArn);
    if (pinned.isEmpty() && keyArn.equals(wrappedUnder)) {
      pinned = TrustedKeys.Arn.parse(keyArn);
    }
    if (pinned.isEmpty() || !pinned.get().region().equals(slot.param("region"))) {
      lastRefusal = "slot " + slot.id() + " names KMS key " + keyArn + " in " + slot.param("region")
          + ", which this host does not trust: refused as tampering, no AWS call made (if the key is yours, "
          + TrustedKeys.howToPin() + ")";
      return Optional.empty();
    }
    return pinned;
  }

  /** The encryption context for a vault id or a store wrap id ({@link WrapDomain}). */
  static Map<String, String> context(String wrapId) {
    return Map.of(WrapDomain.of(wrapId).kmsContextKey(), wrapId);
  }

  static String newSlotId() {
    return "ks-" + HexFormat.of().formatHex(Randomness.bytes(4));
  }

  private static <T> T call(String operation, AwsFailures.Call<T> call) throws AwsKeySourceException {
    try {
      return AwsFailures.call(operation, call);
    } catch (AwsException failure) {
      throw new AwsKeySourceException("cannot wrap the data key with AWS KMS", failure);
    }
  }
}
