package dev.sesame.aws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.ListAttachedUserPoliciesResponse;
import software.amazon.awssdk.services.iam.model.ListUserPoliciesResponse;
import software.amazon.awssdk.services.iam.model.Policy;

/**
 * The permission policies an IAM user holds directly: its inline policies (ListUserPolicies,
 * GetUserPolicy) and the default version of each managed policy attached to it
 * (ListAttachedUserPolicies, GetPolicy, GetPolicyVersion). Policies reached through IAM groups
 * are not read (see docs/doctor.md).
 */
public final class UserPolicies {
  /** One policy document as JSON text, with where it came from. */
  public record PolicyDocument(String name, Kind kind, String arn, String json) {
    public PolicyDocument {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(json, "json");
      arn = arn == null ? "" : arn;
    }
  }

  /** Inline (embedded in the user) or managed (attached by ARN). */
  public enum Kind { INLINE, MANAGED }

  private final Supplier<IamClient> iam;

  private UserPolicies(Supplier<IamClient> iam) {
    this.iam = iam;
  }

  public static UserPolicies using(AwsClients clients) {
    Objects.requireNonNull(clients, "clients");
    return new UserPolicies(clients::iam);
  }

  /** Every inline policy of USER, then every attached managed policy's default version. */
  public List<PolicyDocument> of(String user) throws AwsException {
    List<PolicyDocument> documents = new ArrayList<>();
    List<String> inlineNames = call("iam:ListUserPolicies", () -> {
      List<String> names = new ArrayList<>();
      for (ListUserPoliciesResponse page : iam.get().listUserPoliciesPaginator(r -> r.userName(user))) {
        names.addAll(page.policyNames());
      }
      return names;
    });
    for (String name : inlineNames) {
      String encoded = call("iam:GetUserPolicy",
          () -> iam.get().getUserPolicy(r -> r.userName(user).policyName(name)).policyDocument());
      documents.add(new PolicyDocument(name, Kind.INLINE, "", percentDecode(encoded)));
    }
    List<AttachedPolicy> attached = call("iam:ListAttachedUserPolicies", () -> {
      List<AttachedPolicy> all = new ArrayList<>();
      for (ListAttachedUserPoliciesResponse page
          : iam.get().listAttachedUserPoliciesPaginator(r -> r.userName(user))) {
        all.addAll(page.attachedPolicies());
      }
      return all;
    });
    for (AttachedPolicy policy : attached) {
      Policy meta = call("iam:GetPolicy", () -> iam.get().getPolicy(r -> r.policyArn(policy.policyArn())).policy());
      String encoded = call("iam:GetPolicyVersion", () -> iam.get()
          .getPolicyVersion(r -> r.policyArn(policy.policyArn()).versionId(meta.defaultVersionId()))
          .policyVersion().document());
      documents.add(new PolicyDocument(policy.policyName(), Kind.MANAGED, policy.policyArn(), percentDecode(encoded)));
    }
    return List.copyOf(documents);
  }

  /**
   * IAM returns policy documents "URL-encoded compliant with RFC 3986" (API reference:
   * GetUserPolicy, PolicyDocument): %XX escapes only, so a literal '+' stays a '+'.
   */
  static String percentDecode(String text) {
    if (text == null) {
      return "";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length()
          && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static <T> T call(String operation, Supplier<T> request) throws AwsException {
    try {
      return request.get();
    } catch (SdkException failure) {
      throw AwsFailures.translate(operation, failure);
    }
  }
}
