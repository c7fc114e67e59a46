package dev.sesame.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The IAM policies of a fleet's AWS side besides the SMTP user's ({@link LeastPrivilegePolicy}):
 * the host role, the rotator role (a `sesame rotate --store` machine), the rotation function's
 * execution role, and the retirement schedule's role and trust policy. `sesame policy --role`
 * prints them, docs/runbooks show them with the default placeholders, and the Terraform module and
 * CloudFormation template grant the same actions on the same resources (checked by a test).
 */
public final class DeploymentPolicies {
  /** The roles `sesame policy --role` knows, with the names the CLI uses. */
  public enum Role {
    SMTP_USER, HOST, ROTATOR, ROTATION_FUNCTION, RETIRE_SCHEDULER, RETIRE_SCHEDULER_TRUST;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * What the ARNs are made of. The defaults are the placeholders the runbooks use.
   *
   * @param storePrefix the store's secret-name prefix ("sesame/prod/")
   * @param storeKeyId the KMS key that seals store values (key id, or ARN)
   * @param vaultKeyId the KMS key that wraps hosts' vault files
   * @param vaultId the host's vault id (kms:EncryptionContext:sesame-vault)
   * @param secretKmsKeyId the customer managed key that Secrets Manager encrypts the store's secrets
   *     with, when it is not aws/secretsmanager
   */
  public record Names(String partition, String region, String account, String storePrefix, String storeKeyId,
      String vaultKeyId, String vaultId, String smtpUsers, String functionName, String scheduleGroup,
      Optional<String> secretKmsKeyId) {
    public Names {
      Objects.requireNonNull(partition, "partition");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(storePrefix, "storePrefix");
      Objects.requireNonNull(storeKeyId, "storeKeyId");
      Objects.requireNonNull(vaultKeyId, "vaultKeyId");
      Objects.requireNonNull(vaultId, "vaultId");
      Objects.requireNonNull(smtpUsers, "smtpUsers");
      Objects.requireNonNull(functionName, "functionName");
      Objects.requireNonNull(scheduleGroup, "scheduleGroup");
      Objects.requireNonNull(secretKmsKeyId, "secretKmsKeyId");
    }

    public static Names placeholders() {
      return new Names("aws", "REGION", "ACCOUNT", "sesame/prod/", "KEY_ID", "VAULT_KEY_ID", "VAULT_ID",
          "ses-smtp-*", "sesame-rotation", "default", Optional.empty());
    }

    public Names withSecretKmsKey(String keyId) {
      return new Names(partition, region, account, storePrefix, storeKeyId, vaultKeyId, vaultId, smtpUsers,
          functionName, scheduleGroup, Optional.of(keyId));
    }

    /** Secrets Manager appends "-" and 6 random characters to a secret's name in its ARN. */
    public String storeSecrets() {
      return "arn:" + partition + ":secretsmanager:" + region + ":" + account + ":secret:" + storePrefix + "*";
    }

    public String key(String keyId) {
      return keyId.startsWith("arn:") ? keyId : "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + keyId;
    }

    public String users() {
      return "arn:" + partition + ":iam::" + account + ":user/" + smtpUsers;
    }

    public String function() {
      return "arn:" + partition + ":lambda:" + region + ":" + account + ":function:" + functionName;
    }

    public String logGroup() {
      return "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:/aws/lambda/" + functionName + ":*";
    }

    public String scheduleGroupArn() {
      return "arn:" + partition + ":scheduler:" + region + ":" + account + ":schedule-group/" + scheduleGroup;
    }
  }

  static final List<String> STORE_READ = List.of("secretsmanager:GetSecretValue");
  static final List<String> STORE_ROTATE = List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:TagResource",
      "secretsmanager:UntagResource");
  static final List<String> IAM_ROTATE = List.of("iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey",
      "iam:DeleteAccessKey", "iam:GetAccessKeyLastUsed");
  private static final String CONTEXT = "kms:EncryptionContext:sesame-vault";
  /** Store values' context key (sesame-sm/2): a store statement never reaches a vault, nor the reverse. */
  private static final String STORE_CONTEXT = "kms:EncryptionContext:sesame-sm";

  private final ObjectMapper mapper = new ObjectMapper();
  private final Names names;

  public DeploymentPolicies(Names names) {
    this.names = Objects.requireNonNull(names, "names");
  }

  /** The policy document of ROLE, pretty-printed JSON (not the SMTP user's: see LeastPrivilegePolicy). */
  public String json(Role role) {
    ObjectNode root = switch (role) {
      case HOST -> host();
      case ROTATOR -> rotator();
      case ROTATION_FUNCTION -> rotationFunction();
      case RETIRE_SCHEDULER -> retireScheduler();
      case RETIRE_SCHEDULER_TRUST -> retireSchedulerTrust();
      case SMTP_USER -> throw new IllegalArgumentException("the SMTP user's policy is LeastPrivilegePolicy's");
    };
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Hosts read AWSCURRENT and open it. Store values are sealed per version (the KMS context names
   * a per-version wrap id, so it cannot be pinned); a host's own vault file is pinned to its id.
   */
  private ObjectNode host() {
    ObjectNode root = document();
    ArrayNode statements = root.withArray("Statement");
    allow(statements, "ReadStoreEntries", STORE_READ, names.storeSecrets());
    ObjectNode store = allow(statements, "UnwrapStoreValues", List.of("kms:Decrypt"), names.key(names.storeKeyId()));
    store.putObject("Condition").putObject("Null").put(STORE_CONTEXT, "false");
    ObjectNode vault = allow(statements, "UnwrapOwnVault", List.of("kms:Decrypt"), names.key(names.vaultKeyId()));
    vault.putObject("Condition").putObject("StringEquals").put(CONTEXT, names.vaultId());
    secretKey(statements, List.of("kms:Decrypt"));
    return root;
  }

  /** `sesame rotate --store` (and `put --store`, which creates an entry's secret). */
  private ObjectNode rotator() {
    ObjectNode root = document();
    ArrayNode statements = root.withArray("Statement");
    List<String> write = new java.util.ArrayList<>(List.of("secretsmanager:CreateSecret"));
    write.addAll(STORE_ROTATE);
    allow(statements, "WriteStoreEntries", write, names.storeSecrets());
    allow(statements, "ListStore", List.of("secretsmanager:ListSecrets"), "*");
    sealAndOpen(statements, "SealAndOpenStoreValues");
    allow(statements, "RotateSmtpUserKeys", IAM_ROTATE, names.users());
    secretKey(statements, List.of("kms:Decrypt", "kms:GenerateDataKey"));
    return root;
  }

  /**
   * The Lambda function's execution role. Its log group is created beforehand (module, template,
   * or `aws logs create-log-group`), so the role needs no logs:CreateLogGroup.
   */
  private ObjectNode rotationFunction() {
    ObjectNode root = document();
    ArrayNode statements = root.withArray("Statement");
    allow(statements, "RotateStoreEntries", STORE_ROTATE, names.storeSecrets());
    allow(statements, "ListStoreForRetirement", List.of("secretsmanager:ListSecrets"), "*");
    sealAndOpen(statements, "OpenAndSealStoreValues");
    allow(statements, "RotateSmtpUserKeys", IAM_ROTATE, names.users());
    allow(statements, "WriteOwnLogs", List.of("logs:CreateLogStream", "logs:PutLogEvents"), names.logGroup());
    secretKey(statements, List.of("kms:Decrypt", "kms:GenerateDataKey"));
    return root;
  }

  private ObjectNode retireScheduler() {
    ObjectNode root = document();
    allow(root.withArray("Statement"), "InvokeRotationFunction", List.of("lambda:InvokeFunction"), names.function());
    return root;
  }

  /**
   * EventBridge Scheduler assumes the role; aws:SourceAccount and aws:SourceArn keep another
   * account's schedule from making it do so (EventBridge Scheduler User Guide, "Confused deputy
   * prevention in EventBridge Scheduler").
   */
  private ObjectNode retireSchedulerTrust() {
    ObjectNode root = document();
    ObjectNode statement = root.withArray("Statement").addObject();
    statement.put("Sid", "SchedulerOfThisAccountOnly");
    statement.put("Effect", "Allow");
    statement.putObject("Principal").put("Service", "scheduler.amazonaws.com");
    statement.put("Action", "sts:AssumeRole");
    ObjectNode equals = statement.putObject("Condition").putObject("StringEquals");
    equals.put("aws:SourceAccount", names.account());
    equals.put("aws:SourceArn", names.scheduleGroupArn());
    return root;
  }

  private void sealAndOpen(ArrayNode statements, String sid) {
    ObjectNode kms = allow(statements, sid, List.of("kms:Encrypt", "kms:Decrypt"), names.key(names.storeKeyId()));
    kms.putObject("Condition").putObject("Null").put(STORE_CONTEXT, "false");
  }

  /** A customer managed key on the secrets themselves: usable only through Secrets Manager. */
  private void secretKey(ArrayNode statements, List<String> actions) {
    if (names.secretKmsKeyId().isEmpty()) {
      return;
    }
    ObjectNode statement = allow(statements, "SecretsManagerKeyViaSecretsManager", actions,
        names.key(names.secretKmsKeyId().get()));
    statement.putObject("Condition").putObject("StringEquals")
        .put("kms:ViaService", "secretsmanager." + names.region() + ".amazonaws.com");
  }

  private ObjectNode document() {
    ObjectNode root = mapper.createObjectNode();
    root.put("Version", "2012-10-17");
    root.putArray("Statement");
    return root;
  }

  private static ObjectNode allow(ArrayNode statements, String sid, List<String> actions, String resource) {
    ObjectNode statement = statements.addObject();
    statement.put("Sid", sid);
    statement.put("Effect", "Allow");
    if (actions.size() == 1) {
      statement.put("Action", actions.get(0));
    } else {
      ArrayNode array = statement.putArray("Action");
      actions.forEach(array::add);
    }
    statement.put("Resource", resource);
    return statement;
  }
}
