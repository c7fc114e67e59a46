package dev.sesame.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS KMS for tests (awsJson1.1, {@code X-Amz-Target: TrentService.*}): symmetric keys with
 * aliases, and {@code Encrypt}, {@code Decrypt} and {@code GenerateDataKey} as the KMS API
 * reference defines them. The encryption context is authenticated with the ciphertext (a different
 * context fails with {@code InvalidCiphertextException}); a Decrypt naming a {@code KeyId} other
 * than the blob's key fails with {@code IncorrectKeyException}; unknown keys and aliases are
 * {@code NotFoundException}; and {@link #denyDecrypt} makes Decrypt (or everything) under a key
 * answer {@code AccessDeniedException}, as a key policy without the caller would.
 *
 * <p>The blob is the stand-in's own: {@code key uuid (36 ASCII) || IV (12) || AES-GCM}. Real
 * KMS blobs are opaque too; nothing in Sesame parses them.
 */
public final class KmsHandler extends JsonHandler {
  private final String region;
  private final Map<String, byte[]> keysById = new ConcurrentHashMap<>();
  private final Map<String, String> aliases = new ConcurrentHashMap<>();
  private final Set<String> decryptDenied = ConcurrentHashMap.newKeySet();
  /** Every key reference a request named (KeyId as sent, and the key a Decrypt blob names). */
  private final List<String> namedKeys = new CopyOnWriteArrayList<>();
  private final SecureRandom random = new SecureRandom();

  public KmsHandler(String region) {
    super("TrentService");
    this.region = region;
  }

  @Override
  public String signingName() {
    return "kms";
  }

  /** Creates a symmetric key; returns its key id (a UUID). */
  public String createKey() {
    String id = UUID.randomUUID().toString();
    byte[] material = new byte[32];
    random.nextBytes(material);
    keysById.put(id, material);
    return id;
  }

  /** Creates a key reachable as {@code alias/NAME}; returns its key id. */
  public String createKey(String aliasName) {
    String id = createKey();
    aliases.put(aliasName.startsWith("alias/") ? aliasName : "alias/" + aliasName, id);
    return id;
  }

  /** The ARN of every key created so far (what a host that trusts them all pins). */
  public List<String> keyArns() {
    return keysById.keySet().stream().map(this::arn).sorted().toList();
  }

  /**
   * Every key reference requests named, in arrival order: the KeyId as sent (id, ARN or alias)
   * and, for Decrypt, the key its blob names. A test proves with it that no request named a key.
   */
  public List<String> namedKeys() {
    return List.copyOf(namedKeys);
  }

  public String arn(String keyId) {
    return "arn:aws:kms:" + region + ":" + IamState.ACCOUNT + ":key/" + keyId;
  }

  /** From now on, Decrypt with KEY_ID is refused with AccessDeniedException (or allowed again). */
  public void denyDecrypt(String keyId, boolean denied) {
    if (denied) {
      decryptDenied.add(keyId);
    } else {
      decryptDenied.remove(keyId);
    }
  }

  /** Deletes a key at once (real KMS waits 7-30 days; the effect on Decrypt is the same). */
  public void deleteKey(String keyId) {
    keysById.remove(keyId);
  }

  @Override
  ObjectNode serve(String action, ObjectNode request) {
    String named = optional(request, "KeyId");
    if (named != null) {
      namedKeys.add(named);
    }
    return switch (action) {
      case "Encrypt" -> encrypt(request);
      case "Decrypt" -> decrypt(request);
      case "GenerateDataKey" -> generateDataKey(request);
      default -> throw unknownAction(action);
    };
  }

  private ObjectNode encrypt(ObjectNode request) {
    String keyId = resolve(required(request, "KeyId"));
    byte[] plaintext = blob(request, "Plaintext");
    if (plaintext.length == 0 || plaintext.length > 4096) {
      throw new AwsError(400, "ValidationException", "Plaintext must be 1 to 4096 bytes");
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("CiphertextBlob", seal(keyId, plaintext, context(request)));
    result.put("KeyId", arn(keyId));
    result.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    return result;
  }

  private ObjectNode generateDataKey(ObjectNode request) {
    String keyId = resolve(required(request, "KeyId"));
    String spec = optional(request, "KeySpec");
    JsonNode count = request.get("NumberOfBytes");
    if ((spec == null) == (count == null)) {
      throw new AwsError(400, "ValidationException", "Please specify either number of bytes or key spec.");
    }
    int bytes = spec != null ? ("AES_128".equals(spec) ? 16 : 32) : count.asInt();
    byte[] plaintext = new byte[bytes];
    random.nextBytes(plaintext);
    ObjectNode result = JSON.createObjectNode();
    result.put("CiphertextBlob", seal(keyId, plaintext, context(request)));
    result.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
    result.put("KeyId", arn(keyId));
    return result;
  }

  private ObjectNode decrypt(ObjectNode request) {
    byte[] blob = blob(request, "CiphertextBlob");
    if (blob.length < 36 + 12 + 16) {
      throw new AwsError(400, "InvalidCiphertextException", "");
    }
    String blobKeyId = new String(blob, 0, 36, StandardCharsets.US_ASCII);
    namedKeys.add(arn(blobKeyId));
    String named = optional(request, "KeyId");
    if (named != null && !resolve(named).equals(blobKeyId)) {
      throw new AwsError(400, "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
    byte[] material = keysById.get(blobKeyId);
    if (material == null) {
      throw new AwsError(400, "NotFoundException", "Key '" + arn(blobKeyId) + "' does not exist");
    }
    if (decryptDenied.contains(blobKeyId)) {
      throw new AwsError(400, "AccessDeniedException", "User: arn:aws:iam::" + IamState.ACCOUNT
          + ":user/stand-in is not authorized to perform: kms:Decrypt on resource: " + arn(blobKeyId)
          + " because no identity-based policy allows the kms:Decrypt action");
    }
    byte[] plaintext;
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"),
          new GCMParameterSpec(128, blob, 36, 12));
      cipher.updateAAD(aad(blobKeyId, context(request)));
      plaintext = cipher.doFinal(blob, 48, blob.length - 48);
    } catch (GeneralSecurityException wrongContext) {
      // KMS gives no detail here (API reference: InvalidCiphertextException).
      throw new AwsError(400, "InvalidCiphertextException", "");
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("KeyId", arn(blobKeyId));
    result.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
    result.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    return result;
  }

  /** Key id, key ARN, alias name or alias ARN -> key id; NotFoundException for anything else. */
  private String resolve(String reference) {
    String keyId = reference;
    if (reference.startsWith("arn:")) {
      int slash = reference.indexOf(':', reference.indexOf(":" + IamState.ACCOUNT + ":") + 1);
      String resource = reference.substring(slash + 1);
      keyId = resource.startsWith("key/") ? resource.substring(4) : resource;
    }
    if (keyId.startsWith("alias/")) {
      String target = aliases.get(keyId);
      if (target == null) {
        throw new AwsError(400, "NotFoundException", "Alias " + reference + " is not found.");
      }
      keyId = target;
    }
    if (!keysById.containsKey(keyId)) {
      throw new AwsError(400, "NotFoundException", "Key '" + arn(keyId) + "' does not exist");
    }
    return keyId;
  }

  private String seal(String keyId, byte[] plaintext, Map<String, String> context) {
    try {
      byte[] iv = new byte[12];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keysById.get(keyId), "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(aad(keyId, context));
      byte[] sealed = cipher.doFinal(plaintext);
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(36 + 12 + sealed.length)
          .put(keyId.getBytes(StandardCharsets.US_ASCII)).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] aad(String keyId, Map<String, String> context) {
    StringBuilder text = new StringBuilder(keyId);
    context.forEach((k, v) -> text.append('\0').append(k).append('\0').append(v));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> context(ObjectNode request) {
    Map<String, String> context = new TreeMap<>();
    JsonNode given = request.get("EncryptionContext");
    if (given != null && given.isObject()) {
      given.fields().forEachRemaining(e -> context.put(e.getKey(), e.getValue().asText()));
    }
    return context;
  }

  private static byte[] blob(ObjectNode request, String field) {
    try {
      return Base64.getDecoder().decode(required(request, field));
    } catch (IllegalArgumentException e) {
      throw new AwsError(400, "SerializationException", field + " is not base64");
    }
  }
}
