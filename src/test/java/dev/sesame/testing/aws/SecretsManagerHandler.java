package dev.sesame.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * AWS Secrets Manager for tests (awsJson1.1, {@code X-Amz-Target: secretsmanager.*}):
 * {@code CreateSecret}, {@code GetSecretValue}, {@code PutSecretValue},
 * {@code UpdateSecretVersionStage}, {@code DescribeSecret} and {@code ListSecrets}, with the
 * staging-label rules of the Secrets Manager API reference:
 * <ul>
 *   <li>each label is on at most one version of a secret;
 *   <li>the first version gets AWSCURRENT; a PutSecretValue without VersionStages moves
 *       AWSCURRENT to the new version; with VersionStages, those labels move to it;
 *   <li>whenever AWSCURRENT moves, AWSPREVIOUS moves to the version AWSCURRENT left
 *       ("Whenever you move AWSCURRENT, Secrets Manager automatically moves the label AWSPREVIOUS
 *       to the version that AWSCURRENT was removed from", UpdateSecretVersionStage);
 *   <li>UpdateSecretVersionStage moving a label that is on another version needs
 *       RemoveFromVersionId naming that version, else InvalidParameterException;
 *   <li>ClientRequestToken is the version id: a repeat with the same value is a no-op, with a
 *       different value ResourceExistsException (PutSecretValue, CreateSecret);
 *   <li>GetSecretValue reads AWSCURRENT unless VersionId or VersionStage says otherwise;
 *       versions without labels are deprecated and left out of VersionIdsToStages;
 *   <li>TagResource adds or replaces tags, UntagResource removes them, DescribeSecret lists them;
 *       at most 50 per secret, keys 1-128 and values 0-256 characters of letters, digits,
 *       spaces and {@code + - = . _ : / @}, no {@code aws:} prefix (API reference: TagResource).
 *   <li>RotateSecret records RotationLambdaARN and RotationRules, turns RotationEnabled on and,
 *       unless RotateImmediately is false, starts a rotation: AWSPENDING goes on a new version
 *       whose id is the ClientRequestToken and which has no value yet (what a rotation
 *       function's createSecret then fills with PutSecretValue under that token, as AWS's
 *       SecretsManagerRotationTemplate does). A version without a value answers GetSecretValue
 *       with ResourceNotFoundException. While AWSPENDING is on a version other than AWSCURRENT,
 *       RotateSecret refuses ("any later invocation of RotateSecret assumes that a previous
 *       rotation request is still in progress and returns an error", API reference:
 *       RotateSecret). The stand-in cannot run a Lambda function: tests invoke the rotation
 *       handler for each step themselves, as Secrets Manager would.
 *   <li>CancelRotateSecret turns RotationEnabled off and answers the id of the version a
 *       rotation in progress created; AWSPENDING stays on it ("We recommend that you remove the
 *       VersionStage value AWSPENDING from this version", API reference: CancelRotateSecret).
 *   <li>Requests are checked as the service model (service-2.json) and the API reference
 *       constrain them, answering ValidationException or InvalidParameterException: a secret
 *       name is 1-512 letters, digits and {@code /_+=.@-}; a SecretId 1-2048 characters; a
 *       ClientRequestToken and a VersionId 32-64; a staging label 1-256 and at most 20 of them
 *       in VersionStages.
 *   <li>ListSecrets is eventually consistent ("ListSecrets might not reflect changes from the
 *       last five minutes", API reference: ListSecrets): with {@link #delayNewNamesInList} on,
 *       a secret created meanwhile is left out of ListSecrets until it is switched off, while
 *       DescribeSecret and GetSecretValue know it at once.
 * </ul>
 * Thread-safe (one lock for the whole state).
 */
public final class SecretsManagerHandler extends JsonHandler {
  public static final String CURRENT = "AWSCURRENT";
  public static final String PREVIOUS = "AWSPREVIOUS";
  public static final String PENDING = "AWSPENDING";

  private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final String region;
  private final Map<String, Secret> secretsByName = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private long clock = 1_700_000_000L;
  /** The RotationToken of each PutSecretValue, in order (null when absent), for assertions. */
  private final List<String> putRotationTokens = new ArrayList<>();
  private final List<String> getValueStages = new ArrayList<>();
  /** Whether secrets created now stay out of ListSecrets (ListSecrets' lag). */
  private boolean delayNewNames;

  private static final class Version {
    final String id;
    final String text;
    final byte[] binary;
    final Set<String> stages = new LinkedHashSet<>();
    final long created;

    Version(String id, String text, byte[] binary, long created) {
      this.id = id;
      this.text = text;
      this.binary = binary;
      this.created = created;
    }

    boolean sameValue(String otherText, byte[] otherBinary) {
      return Objects.equals(text, otherText) && Arrays.equals(binary, otherBinary);
    }
  }

  private static final class Secret {
    final String name;
    final String arn;
    final String description;
    final long created;
    long lastChanged;
    final Map<String, Version> versions = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    boolean rotationEnabled;
    /** False while ListSecrets does not show this secret yet. */
    boolean listed = true;
    String rotationLambdaArn;
    ObjectNode rotationRules;

    Secret(String name, String arn, String description, long created) {
      this.name = name;
      this.arn = arn;
      this.description = description;
      this.created = created;
      this.lastChanged = created;
    }

    Version withStage(String stage) {
      return versions.values().stream().filter(v -> v.stages.contains(stage)).findFirst().orElse(null);
    }

    /** The version a rotation in progress works on: AWSPENDING, when not on AWSCURRENT. */
    Version rotationInProgress() {
      Version pending = withStage(PENDING);
      return pending == null || pending.stages.contains(CURRENT) ? null : pending;
    }
  }

  public SecretsManagerHandler(String region) {
    super("secretsmanager");
    this.region = region;
  }

  @Override
  public String signingName() {
    return "secretsmanager";
  }

  /** The staging labels of each labelled version of NAME, for assertions. */
  public synchronized Map<String, Set<String>> stages(String name) {
    Map<String, Set<String>> stages = new LinkedHashMap<>();
    Secret secret = secretsByName.get(name);
    if (secret != null) {
      secret.versions.values().stream().filter(v -> !v.stages.isEmpty())
          .forEach(v -> stages.put(v.id, Set.copyOf(v.stages)));
    }
    return stages;
  }

  /**
   * ListSecrets' lag: while ON, secrets created are left out of ListSecrets; switching it off
   * lets them appear (as five minutes passing would).
   */
  public synchronized void delayNewNamesInList(boolean on) {
    delayNewNames = on;
    if (!on) {
      secretsByName.values().forEach(secret -> secret.listed = true);
    }
  }

  @Override
  synchronized ObjectNode serve(String action, ObjectNode request) {
    clock++;
    validate(request);
    return switch (action) {
      case "CreateSecret" -> create(request);
      case "GetSecretValue" -> getValue(request);
      case "PutSecretValue" -> putValue(request);
      case "UpdateSecretVersionStage" -> updateStage(request);
      case "DescribeSecret" -> describe(request);
      case "ListSecrets" -> list(request);
      case "TagResource" -> tag(request);
      case "UntagResource" -> untag(request);
      case "RotateSecret" -> rotate(request);
      case "CancelRotateSecret" -> cancelRotate(request);
      default -> throw unknownAction(action);
    };
  }

  private ObjectNode create(ObjectNode request) {
    String name = required(request, "Name");
    String text = optional(request, "SecretString");
    byte[] binary = binary(request);
    if (text != null && binary != null) {
      throw new AwsError(400, "InvalidParameterException",
          "You can't specify both a binary secret value and a string secret value in the same secret.");
    }
    String token = optional(request, "ClientRequestToken");
    Secret existing = secretsByName.get(name);
    if (existing != null) {
      // CreateSecret is idempotent for the same token and value (API reference: ClientRequestToken).
      Version same = token == null ? null : existing.versions.get(token);
      if (same != null && same.sameValue(text, binary)) {
        return idAnswer(existing, same.id);
      }
      throw new AwsError(400, "ResourceExistsException",
          "The operation failed because the secret " + name + " already exists.");
    }
    if (name.length() > 512 || !SECRET_NAME.matcher(name).matches()) {
      throw new AwsError(400, "ValidationException", "Invalid name. Must be a valid name containing alphanumeric "
          + "characters, or any of the following: -/_+=.@!");
    }
    Secret secret = new Secret(name, arn(name), optional(request, "Description"), clock);
    secret.listed = !delayNewNames;
    secretsByName.put(name, secret);
    if (text == null && binary == null) {
      return idAnswer(secret, null);
    }
    Version first = new Version(token == null ? UUID.randomUUID().toString() : token, text, binary, clock);
    first.stages.add(CURRENT);
    secret.versions.put(first.id, first);
    return idAnswer(secret, first.id);
  }

  /** The VersionStage each GetSecretValue named, in order (null for none), for assertions. */
  public synchronized List<String> getValueStages() {
    return new ArrayList<>(getValueStages);
  }

  private ObjectNode getValue(ObjectNode request) {
    getValueStages.add(optional(request, "VersionStage"));
    Secret secret = find(required(request, "SecretId"));
    String versionId = optional(request, "VersionId");
    String stage = optional(request, "VersionStage");
    Version version;
    if (versionId != null) {
      version = secret.versions.get(versionId);
      if (version == null || (stage != null && !version.stages.contains(stage))) {
        throw new AwsError(400, "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret value for VersionId: " + versionId);
      }
    } else {
      String wanted = stage == null ? CURRENT : stage;
      version = secret.withStage(wanted);
      if (version == null) {
        throw new AwsError(400, "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret value for staging label: " + wanted);
      }
    }
    if (version.text == null && version.binary == null) {
      // RotateSecret's placeholder: labelled, but no value until createSecret puts one.
      throw new AwsError(400, "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret value for VersionId: " + version.id);
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("ARN", secret.arn);
    result.put("Name", secret.name);
    result.put("VersionId", version.id);
    if (version.text != null) {
      result.put("SecretString", version.text);
    }
    if (version.binary != null) {
      result.put("SecretBinary", version.binary);
    }
    ArrayNode stages = result.putArray("VersionStages");
    version.stages.forEach(stages::add);
    result.put("CreatedDate", version.created);
    return result;
  }

  /** The RotationToken each PutSecretValue carried, in order (null for none). */
  public synchronized List<String> putRotationTokens() {
    return new ArrayList<>(putRotationTokens);
  }

  private ObjectNode putValue(ObjectNode request) {
    putRotationTokens.add(optional(request, "RotationToken"));
    Secret secret = find(required(request, "SecretId"));
    String text = optional(request, "SecretString");
    byte[] binary = binary(request);
    if ((text == null) == (binary == null)) {
      throw new AwsError(400, "InvalidParameterException",
          "You must provide either SecretString or SecretBinary, and not both.");
    }
    String token = optional(request, "ClientRequestToken");
    String versionId = token == null ? UUID.randomUUID().toString() : token;
    Version existing = secret.versions.get(versionId);
    boolean placeholder = existing != null && existing.text == null && existing.binary == null;
    if (existing != null && !placeholder) {
      if (existing.sameValue(text, binary)) {
        return putAnswer(secret, existing);
      }
      throw new AwsError(400, "ResourceExistsException",
          "You can't modify an existing version, you can only create a new version.");
    }
    List<String> stages = new ArrayList<>();
    JsonNode given = request.get("VersionStages");
    if (given != null && given.isArray()) {
      given.forEach(s -> stages.add(s.asText()));
    } else {
      stages.add(CURRENT);
    }
    // RotateSecret's placeholder takes the value put under its token (its labels stay).
    Version version = new Version(versionId, text, binary, placeholder ? existing.created : clock);
    if (placeholder) {
      version.stages.addAll(existing.stages);
    }
    secret.versions.put(versionId, version);
    if (secret.withStage(CURRENT) == null && !stages.contains(CURRENT)) {
      // "If this operation creates the first version for the secret, then Secrets Manager
      // automatically attaches the staging label AWSCURRENT to it" (PutSecretValue).
      stages.add(CURRENT);
    }
    for (String stage : stages) {
      moveStage(secret, stage, version);
    }
    secret.lastChanged = clock;
    return putAnswer(secret, version);
  }

  private ObjectNode updateStage(ObjectNode request) {
    Secret secret = find(required(request, "SecretId"));
    String stage = required(request, "VersionStage");
    String removeFrom = optional(request, "RemoveFromVersionId");
    String moveTo = optional(request, "MoveToVersionId");
    Version holder = secret.withStage(stage);
    if (removeFrom != null && !secret.versions.containsKey(removeFrom)) {
      throw new AwsError(400, "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret version: " + removeFrom);
    }
    if (moveTo != null) {
      Version target = secret.versions.get(moveTo);
      if (target == null) {
        throw new AwsError(400, "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret version: " + moveTo);
      }
      if (holder != null && holder != target && !holder.id.equals(removeFrom)) {
        throw new AwsError(400, "InvalidParameterException", "The staging label " + stage
            + " is currently attached to version " + holder.id
            + ", so you must explicitly reference that version in RemoveFromVersionId.");
      }
      moveStage(secret, stage, target);
    } else {
      if (removeFrom == null) {
        throw new AwsError(400, "InvalidParameterException",
            "You must specify RemoveFromVersionId, MoveToVersionId, or both.");
      }
      if (holder == null || !holder.id.equals(removeFrom)) {
        throw new AwsError(400, "InvalidParameterException", "The staging label " + stage
            + " is not attached to version " + removeFrom + ".");
      }
      holder.stages.remove(stage);
    }
    secret.lastChanged = clock;
    ObjectNode result = JSON.createObjectNode();
    result.put("ARN", secret.arn);
    result.put("Name", secret.name);
    return result;
  }

  /** Puts STAGE on TARGET, taking it off whichever version had it; AWSPREVIOUS follows AWSCURRENT. */
  private static void moveStage(Secret secret, String stage, Version target) {
    Version holder = secret.withStage(stage);
    if (holder == target) {
      return;
    }
    if (holder != null) {
      holder.stages.remove(stage);
    }
    target.stages.add(stage);
    if (stage.equals(CURRENT) && holder != null) {
      Version previous = secret.withStage(PREVIOUS);
      if (previous != null) {
        previous.stages.remove(PREVIOUS);
      }
      holder.stages.add(PREVIOUS);
    }
  }

  private ObjectNode rotate(ObjectNode request) {
    Secret secret = find(required(request, "SecretId"));
    String lambdaArn = optional(request, "RotationLambdaARN");
    if (lambdaArn == null && secret.rotationLambdaArn == null) {
      throw new AwsError(400, "InvalidRequestException",
          "No Lambda rotation function ARN is associated with this secret.");
    }
    if (secret.rotationInProgress() != null) {
      throw new AwsError(400, "InvalidRequestException",
          "A previous rotation isn't complete. That rotation will be continued.");
    }
    if (lambdaArn != null) {
      secret.rotationLambdaArn = lambdaArn;
    }
    JsonNode rules = request.get("RotationRules");
    if (rules != null && rules.isObject()) {
      secret.rotationRules = ((ObjectNode) rules).deepCopy();
    }
    secret.rotationEnabled = true;
    JsonNode immediately = request.get("RotateImmediately");
    ObjectNode result = idAnswer(secret, null);
    if (immediately == null || immediately.asBoolean(true)) {
      String token = optional(request, "ClientRequestToken");
      String versionId = token == null ? UUID.randomUUID().toString() : token;
      if (secret.versions.containsKey(versionId)) {
        throw new AwsError(400, "ResourceExistsException", "A version with ClientRequestToken " + versionId
            + " already exists.");
      }
      Version placeholder = new Version(versionId, null, null, clock);
      secret.versions.put(versionId, placeholder);
      moveStage(secret, PENDING, placeholder);
      secret.lastChanged = clock;
      result.put("VersionId", versionId);
    }
    return result;
  }

  private ObjectNode cancelRotate(ObjectNode request) {
    Secret secret = find(required(request, "SecretId"));
    secret.rotationEnabled = false;
    Version inProgress = secret.rotationInProgress();
    return idAnswer(secret, inProgress == null ? null : inProgress.id);
  }

  private ObjectNode describe(ObjectNode request) {
    Secret secret = find(required(request, "SecretId"));
    ObjectNode result = summary(secret, "VersionIdsToStages");
    result.put("RotationEnabled", secret.rotationEnabled);
    if (secret.rotationLambdaArn != null) {
      result.put("RotationLambdaARN", secret.rotationLambdaArn);
    }
    if (secret.rotationRules != null) {
      result.set("RotationRules", secret.rotationRules.deepCopy());
    }
    if (!secret.tags.isEmpty()) {
      ArrayNode tags = result.putArray("Tags");
      secret.tags.forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
    }
    return result;
  }

  private static final java.util.regex.Pattern TAG_TEXT = java.util.regex.Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private ObjectNode tag(ObjectNode request) {
    Secret secret = find(required(request, "SecretId"));
    JsonNode given = request.get("Tags");
    if (given == null || !given.isArray()) {
      throw new AwsError(400, "InvalidParameterException", "Tags is required.");
    }
    Map<String, String> next = new LinkedHashMap<>(secret.tags);
    for (JsonNode tag : given) {
      String key = tag.path("Key").asText("");
      String value = tag.path("Value").asText("");
      if (key.isEmpty() || key.length() > 128 || value.length() > 256 || !TAG_TEXT.matcher(key).matches()
          || !TAG_TEXT.matcher(value).matches() || key.startsWith("aws:")) {
        throw new AwsError(400, "ValidationException", "1 validation error detected: tag " + key
            + " does not satisfy the tag key/value constraints");
      }
      next.put(key, value);
    }
    if (next.size() > 50) {
      throw new AwsError(400, "LimitExceededException", "A secret can have at most 50 tags.");
    }
    secret.tags.clear();
    secret.tags.putAll(next);
    return JSON.createObjectNode();
  }

  private ObjectNode untag(ObjectNode request) {
    Secret secret = find(required(request, "SecretId"));
    JsonNode keys = request.get("TagKeys");
    if (keys == null || !keys.isArray()) {
      throw new AwsError(400, "InvalidParameterException", "TagKeys is required.");
    }
    keys.forEach(key -> secret.tags.remove(key.asText()));
    return JSON.createObjectNode();
  }

  /** The ARN of secret NAME (what a host pins), or null when there is none. */
  public synchronized String arnOf(String name) {
    Secret secret = secretsByName.get(name);
    return secret == null ? null : secret.arn;
  }

  /** The tags of NAME, for assertions. */
  public synchronized Map<String, String> tags(String name) {
    Secret secret = secretsByName.get(name);
    return secret == null ? Map.of() : Map.copyOf(secret.tags);
  }

  private ObjectNode list(ObjectNode request) {
    List<String> namePrefixes = new ArrayList<>();
    JsonNode filters = request.get("Filters");
    if (filters != null && filters.isArray()) {
      for (JsonNode filter : filters) {
        if (!"name".equals(filter.path("Key").asText())) {
          throw new AwsError(400, "InvalidParameterException", "The stand-in filters by name only.");
        }
        filter.path("Values").forEach(v -> namePrefixes.add(v.asText()));
      }
    }
    int max = request.has("MaxResults") ? request.get("MaxResults").asInt() : 100;
    if (max < 1 || max > 100) {
      throw new AwsError(400, "InvalidParameterException", "MaxResults must be 1 to 100.");
    }
    List<Secret> matching = secretsByName.values().stream()
        .filter(s -> s.listed)
        .filter(s -> namePrefixes.isEmpty() || namePrefixes.stream().anyMatch(s.name::startsWith))
        .sorted(Comparator.comparing(s -> s.name))
        .toList();
    int start = 0;
    String token = optional(request, "NextToken");
    if (token != null) {
      try {
        start = Integer.parseInt(token);
      } catch (NumberFormatException e) {
        throw new AwsError(400, "InvalidNextTokenException", "The NextToken value is invalid.");
      }
    }
    ObjectNode result = JSON.createObjectNode();
    ArrayNode list = result.putArray("SecretList");
    int end = Math.min(matching.size(), start + max);
    for (Secret secret : matching.subList(Math.min(start, end), end)) {
      list.add(summary(secret, "SecretVersionsToStages"));
    }
    if (end < matching.size()) {
      result.put("NextToken", Integer.toString(end));
    }
    return result;
  }

  private ObjectNode summary(Secret secret, String stagesField) {
    ObjectNode result = JSON.createObjectNode();
    result.put("ARN", secret.arn);
    result.put("Name", secret.name);
    if (secret.description != null) {
      result.put("Description", secret.description);
    }
    result.put("CreatedDate", secret.created);
    result.put("LastChangedDate", secret.lastChanged);
    ObjectNode stages = result.putObject(stagesField);
    secret.versions.values().stream().filter(v -> !v.stages.isEmpty()).forEach(v -> {
      ArrayNode labels = stages.putArray(v.id);
      v.stages.forEach(labels::add);
    });
    return result;
  }

  private static final java.util.regex.Pattern SECRET_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9/_+=.@-]+");

  /**
   * The service model's constraints on the fields this stand-in serves (service-2.json:
   * SecretIdType 1-2048, ClientRequestTokenType and SecretVersionIdType 32-64,
   * SecretVersionStageType 1-256, SecretVersionStagesType 1-20 items).
   */
  private static void validate(ObjectNode request) {
    length(request, "SecretId", 1, 2048);
    length(request, "Name", 1, 512);
    length(request, "ClientRequestToken", 32, 64);
    length(request, "VersionId", 32, 64);
    length(request, "MoveToVersionId", 32, 64);
    length(request, "RemoveFromVersionId", 32, 64);
    length(request, "VersionStage", 1, 256);
    JsonNode stages = request.get("VersionStages");
    if (stages != null) {
      if (!stages.isArray() || stages.size() < 1 || stages.size() > 20) {
        throw new AwsError(400, "ValidationException", "1 validation error detected: Value at 'versionStages' failed "
            + "to satisfy constraint: Member must have length between 1 and 20");
      }
      for (JsonNode stage : stages) {
        if (!stage.isTextual() || stage.asText().isEmpty() || stage.asText().length() > 256) {
          throw new AwsError(400, "ValidationException", "1 validation error detected: Value at 'versionStages' "
              + "failed to satisfy constraint: Member must satisfy constraint: [Member must have length between 1 and 256]");
        }
      }
    }
  }

  private static void length(ObjectNode request, String field, int min, int max) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      return;
    }
    int length = value.asText().length();
    if (!value.isTextual() || length < min || length > max) {
      throw new AwsError(400, "ValidationException", "1 validation error detected: Value at '"
          + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: Member must "
          + "have length between " + min + " and " + max);
    }
  }

  private Secret find(String secretId) {
    Secret secret = secretsByName.get(secretId);
    if (secret == null) {
      secret = secretsByName.values().stream().filter(s -> s.arn.equals(secretId)).findFirst().orElse(null);
    }
    if (secret == null) {
      throw new AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    return secret;
  }

  private ObjectNode idAnswer(Secret secret, String versionId) {
    ObjectNode result = JSON.createObjectNode();
    result.put("ARN", secret.arn);
    result.put("Name", secret.name);
    if (versionId != null) {
      result.put("VersionId", versionId);
    }
    return result;
  }

  private static ObjectNode putAnswer(Secret secret, Version version) {
    ObjectNode result = JSON.createObjectNode();
    result.put("ARN", secret.arn);
    result.put("Name", secret.name);
    result.put("VersionId", version.id);
    ArrayNode stages = result.putArray("VersionStages");
    version.stages.forEach(stages::add);
    return result;
  }

  private static byte[] binary(ObjectNode request) {
    String text = optional(request, "SecretBinary");
    if (text == null) {
      return null;
    }
    try {
      return java.util.Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new AwsError(400, "SerializationException", "SecretBinary is not base64");
    }
  }

  // A secret's ARN ends in its name, a hyphen and six random characters (User Guide: "Secret ARNs").
  private String arn(String name) {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return "arn:aws:secretsmanager:" + region + ":" + IamState.ACCOUNT + ":secret:" + name + "-" + suffix;
  }
}
