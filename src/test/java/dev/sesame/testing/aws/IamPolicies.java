package dev.sesame.testing.aws;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The permission-policy side of the IAM stand-in: users' inline policies, managed policies (one
 * default version each) and their attachments to users, served as ListUserPolicies,
 * GetUserPolicy, ListAttachedUserPolicies, GetPolicy and GetPolicyVersion with the shapes of the
 * IAM API reference. Documents go out URL-encoded, as IAM sends them. Thread-safe.
 */
public final class IamPolicies {
  private record Managed(String name, String arn, String document) {}

  private final Map<String, Map<String, String>> inline = new LinkedHashMap<>();
  private final Map<String, Managed> managed = new LinkedHashMap<>();
  private final Map<String, List<String>> attached = new LinkedHashMap<>();

  /** PutUserPolicy: sets USER's inline policy NAME. */
  public synchronized void putInline(String user, String name, String document) {
    inline.computeIfAbsent(user, u -> new LinkedHashMap<>()).put(name, document);
  }

  /** CreatePolicy + AttachUserPolicy: a customer-managed policy NAME attached to USER; returns its ARN. */
  public synchronized String attach(String user, String name, String document) {
    String arn = "arn:aws:iam::" + IamState.ACCOUNT + ":policy/" + name;
    managed.put(arn, new Managed(name, arn, document));
    attached.computeIfAbsent(user, u -> new ArrayList<>()).add(arn);
    return arn;
  }

  /** Forgets every policy and attachment. */
  public synchronized void clear() {
    inline.clear();
    managed.clear();
    attached.clear();
  }

  /** The Result XML of a policy action, or empty when ACTION is not one of them. */
  synchronized Optional<String> serve(String action, Map<String, String> params) {
    return switch (action) {
      case "ListUserPolicies" -> {
        QueryXml xml = new QueryXml().open("PolicyNames");
        inline.getOrDefault(QueryHandler.required(params, "UserName"), Map.of()).keySet()
            .forEach(name -> xml.text("member", name));
        yield Optional.of(xml.close("PolicyNames").text("IsTruncated", "false").body());
      }
      case "GetUserPolicy" -> {
        String user = QueryHandler.required(params, "UserName");
        String name = QueryHandler.required(params, "PolicyName");
        String document = inline.getOrDefault(user, Map.of()).get(name);
        if (document == null) {
          throw new AwsError(404, "NoSuchEntity", "The user policy with name " + name + " cannot be found.");
        }
        yield Optional.of(new QueryXml().text("UserName", user).text("PolicyName", name)
            .text("PolicyDocument", encode(document)).body());
      }
      case "ListAttachedUserPolicies" -> {
        QueryXml xml = new QueryXml().open("AttachedPolicies");
        for (String arn : attached.getOrDefault(QueryHandler.required(params, "UserName"), List.of())) {
          xml.open("member").text("PolicyName", managed.get(arn).name()).text("PolicyArn", arn).close("member");
        }
        yield Optional.of(xml.close("AttachedPolicies").text("IsTruncated", "false").body());
      }
      case "GetPolicy" -> {
        Managed policy = policy(QueryHandler.required(params, "PolicyArn"));
        yield Optional.of(new QueryXml().open("Policy").text("PolicyName", policy.name()).text("Arn", policy.arn())
            .text("DefaultVersionId", "v1").text("AttachmentCount", "1").text("IsAttachable", "true")
            .close("Policy").body());
      }
      case "GetPolicyVersion" -> {
        Managed policy = policy(QueryHandler.required(params, "PolicyArn"));
        if (!"v1".equals(params.get("VersionId"))) {
          throw new AwsError(404, "NoSuchEntity", "Policy version " + params.get("VersionId") + " does not exist.");
        }
        yield Optional.of(new QueryXml().open("PolicyVersion").text("Document", encode(policy.document()))
            .text("VersionId", "v1").text("IsDefaultVersion", "true").close("PolicyVersion").body());
      }
      default -> Optional.empty();
    };
  }

  private Managed policy(String arn) {
    Managed policy = managed.get(arn);
    if (policy == null) {
      throw new AwsError(404, "NoSuchEntity", "Policy " + arn + " does not exist or is not attachable.");
    }
    return policy;
  }

  /** RFC 3986 percent-encoding, as IAM applies to policy documents. */
  private static String encode(String document) {
    return URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
