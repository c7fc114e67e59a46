package dev.sesame.aws;

import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who the configured credentials belong to, from STS GetCallerIdentity: the actor recorded in
 * audit lines. GetCallerIdentity needs no IAM permission, so it works for any valid credentials
 * (API reference: GetCallerIdentity).
 */
public record CallerIdentity(String account, String arn, String userId) {
  public CallerIdentity {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(userId, "userId");
  }

  /** Asks STS through {@code clients}. */
  public static CallerIdentity lookUp(AwsClients clients) throws AwsException {
    try {
      GetCallerIdentityResponse who = clients.sts().getCallerIdentity();
      return new CallerIdentity(
          Objects.toString(who.account(), ""),
          Objects.toString(who.arn(), ""),
          Objects.toString(who.userId(), ""));
    } catch (SdkException failure) {
      throw AwsFailures.translate("sts:GetCallerIdentity", failure);
    }
  }
}
