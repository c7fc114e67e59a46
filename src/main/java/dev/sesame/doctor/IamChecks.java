package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;
import static dev.sesame.doctor.Status.WARN;

import dev.sesame.aws.LeastPrivilegePolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.aws.AccessKeyInfo;
import dev.sesame.aws.AwsException;
import dev.sesame.aws.KeyLastUse;
import dev.sesame.aws.KeyStatus;
import dev.sesame.aws.UserPolicies.PolicyDocument;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * iam.keys and iam.policy for the entry's IAM user: how many keys, which ones the vault does not
 * hold, inactive ones lingering, last use; and whether the user's own policies allow anything
 * beyond ses:SendRawEmail, or allow it without a From-address or source-IP condition.
 */
public final class IamChecks implements Check {
  static final String KEYS = "iam.keys";
  static final String POLICY = "iam.policy";
  static final Duration UNUSED = Duration.ofDays(30);

  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(KEYS, EnumSet.of(PASS, WARN, FAIL, SKIP), POLICY, EnumSet.of(PASS, WARN, FAIL, SKIP));
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    Optional<String> user = context.entry().flatMap(EntryFacts::iamUser);
    String subject = user.map(u -> "IAM user " + u).orElse("IAM user");
    if (user.isEmpty()) {
      String why = context.entry().isPresent() ? "the entry has no IAM user (a manual SMTP credential)"
          : context.vaultProblem();
      String fix = "name an SES entry of an unlocked vault or of the store: sesame doctor NAME [--store sm://PREFIX]";
      return List.of(Finding.skip(KEYS, subject, why, fix), Finding.skip(POLICY, subject, why, fix));
    }
    if (context.aws().isEmpty()) {
      String fix = "give doctor read access to IAM (AWS_PROFILE, AWS_REGION, or --profile)";
      return List.of(Finding.skip(KEYS, subject, context.awsProblem(), fix),
          Finding.skip(POLICY, subject, context.awsProblem(), fix));
    }
    List<Finding> out = new ArrayList<>();
    keys(context, user.get(), subject, out);
    policy(context, user.get(), subject, out);
    return out;
  }

  private static void keys(DoctorContext context, String user, String subject, List<Finding> out) {
    EntryFacts entry = context.entry().get();
    Instant now = context.clock().instant();
    List<AccessKeyInfo> keys;
    try {
      keys = context.aws().get().keys(user);
    } catch (AwsException e) {
      out.add(Finding.skip(KEYS, subject, e.reason(), e.fix("allow the doctor's caller iam:ListAccessKeys on " + user)));
      return;
    }
    int before = out.size();
    for (AccessKeyInfo key : keys) {
      String keySubject = subject + " key " + key.accessKeyId();
      boolean held = entry.accessKeyIds().contains(key.accessKeyId());
      String use = lastUse(context, key.accessKeyId(), now);
      long days = Duration.between(key.created(), now).toDays();
      if (key.status() == KeyStatus.ACTIVE && !held) {
        out.add(Finding.fail(KEYS, keySubject, "active, " + days + " days old, not held by "
                + context.holder() + " entry " + entry.name() + "; " + use,
            "find its holder; if none, deactivate it: aws iam update-access-key --user-name " + user
                + " --access-key-id " + key.accessKeyId() + " --status Inactive (or sesame revoke " + entry.name()
                + context.entryOption() + ")"));
      } else if (key.status() != KeyStatus.ACTIVE) {
        out.add(Finding.warn(KEYS, keySubject, "inactive key lingering, " + days + " days old; " + use,
            "delete it: aws iam delete-access-key --user-name " + user + " --access-key-id " + key.accessKeyId()));
      }
    }
    Optional<String> current = entry.currentKeyId();
    boolean currentActive = current.isPresent() && keys.stream()
        .anyMatch(k -> k.accessKeyId().equals(current.get()) && k.status() == KeyStatus.ACTIVE);
    if (current.isPresent() && !currentActive) {
      out.add(Finding.fail(KEYS, subject + " key " + current.get(), "the current key is not active in IAM (held by "
          + context.holder() + ")", "sesame rotate " + entry.name() + context.entryOption() + " creates a working key"));
    }
    long active = keys.stream().filter(k -> k.status() == KeyStatus.ACTIVE).count();
    if (out.size() == before) {
      String summary = active + " active key" + (active == 1 ? "" : "s") + ", all held by " + context.holder()
          + "; current " + current.orElse("?") + " " + lastUse(context, current.orElse(""), now);
      out.add(Finding.pass(KEYS, subject, summary));
    }
  }

  private static String lastUse(DoctorContext context, String keyId, Instant now) {
    if (keyId.isEmpty()) {
      return "";
    }
    try {
      Optional<KeyLastUse> use = context.aws().get().lastUsed(keyId);
      return use.map(u -> "last used " + Duration.between(u.when(), now).toDays() + " days ago ("
          + u.serviceName() + ", " + u.region() + ")").orElse("never used");
    } catch (AwsException e) {
      return "last use unknown (" + e.kind().words() + ")";
    }
  }

  private static void policy(DoctorContext context, String user, String subject, List<Finding> out) {
    List<PolicyDocument> documents;
    try {
      documents = context.aws().get().policies(user);
    } catch (AwsException e) {
      out.add(Finding.skip(POLICY, subject, e.reason(),
          e.fix("allow the doctor's caller iam:ListUserPolicies, iam:GetUserPolicy, iam:ListAttachedUserPolicies,"
              + " iam:GetPolicy, iam:GetPolicyVersion")));
      return;
    }
    String suggested = "attach only the policy of: sesame policy "
        + context.expectedPolicy().map(LeastPrivilegePolicy::options)
        .orElse(context.domain().map(d -> "--from-domain " + d).orElse("--from-domain DOMAIN")
            + " (--source-ip CIDR for public egress | --source-vpce VPCE_ID for the SES SMTP VPC endpoint)");
    Set<String> excess = new LinkedHashSet<>();
    SendGrants grants = new SendGrants();
    ObjectMapper mapper = new ObjectMapper();
    for (PolicyDocument doc : documents) {
      JsonNode root;
      try {
        root = mapper.readTree(doc.json());
      } catch (IOException e) {
        out.add(Finding.fail(POLICY, subject + " policy " + doc.name(), "the document is not JSON: " + e.getMessage().split("\\R", 2)[0],
            suggested));
        continue;
      }
      for (JsonNode statement : asList(root.path("Statement"))) {
        if (!"Allow".equals(statement.path("Effect").asText())) {
          continue;
        }
        if (statement.has("NotAction")) {
          excess.add("NotAction " + strings(statement.path("NotAction")) + " (" + doc.name() + ")");
          continue;
        }
        boolean grantsSend = false;
        for (String action : strings(statement.path("Action"))) {
          String a = action.toLowerCase(Locale.ROOT);
          if (a.equals("ses:sendrawemail")) {
            grantsSend = true;
          } else {
            excess.add(action + " (" + doc.name() + ")");
            if (matches(a, "ses:sendrawemail")) {
              grantsSend = true;
            }
          }
        }
        if (grantsSend) {
          grants.add(statement);
        }
      }
    }
    String names = documents.isEmpty() ? "no policies" : documents.size() + " polic" + (documents.size() == 1 ? "y" : "ies");
    if (!excess.isEmpty()) {
      out.add(Finding.fail(POLICY, subject, "allows more than ses:SendRawEmail: " + String.join(", ", excess),
          "detach or narrow those statements; " + suggested));
      return;
    }
    if (!grants.sends) {
      out.add(Finding.fail(POLICY, subject, names + " of the user allow ses:SendRawEmail"
          + (grants.offResource ? " on a resource SES sending uses" : "") + ": SMTP sending will fail"
          + " (policies through IAM groups are not read)", suggested));
      return;
    }
    List<String> gaps = new ArrayList<>(grants.gaps());
    context.expectedPolicy().ifPresent(expected -> gaps.addAll(grants.differences(expected)));
    if (!gaps.isEmpty()) {
      out.add(Finding.warn(POLICY, subject, "only ses:SendRawEmail, but " + String.join("; ", gaps), suggested));
    } else {
      out.add(Finding.pass(POLICY, subject, "only ses:SendRawEmail, " + grants.describe()));
    }
  }

  /** IAM action wildcards: '*' any run of characters, '?' one character, case-insensitive. */
  static boolean matches(String pattern, String action) {
    String regex = ("\\Q" + pattern.toLowerCase(Locale.ROOT) + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return action.toLowerCase(Locale.ROOT).matches(regex);
  }

  static List<JsonNode> asList(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(out::add);
    } else if (node.isObject()) {
      out.add(node);
    }
    return out;
  }

  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      out.add(node.asText());
    }
    return out;
  }
}
