package dev.sesame.doctor;

import dev.sesame.aws.AccessKeyInfo;
import dev.sesame.aws.AccessKeys;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsException;
import dev.sesame.aws.KeyLastUse;
import dev.sesame.aws.SesIdentities;
import dev.sesame.aws.UserPolicies;
import java.util.List;
import java.util.Optional;

/** The AWS look-ups the doctor makes; read-only, every one of them. */
public interface AwsPosture {
  List<AccessKeyInfo> keys(String user) throws AwsException;

  Optional<KeyLastUse> lastUsed(String accessKeyId) throws AwsException;

  List<UserPolicies.PolicyDocument> policies(String user) throws AwsException;

  SesIdentities.Account account() throws AwsException;

  Optional<SesIdentities.Identity> identity(String name) throws AwsException;

  /** The look-ups through the real SDK clients. */
  static AwsPosture using(AwsClients clients) {
    AccessKeys keys = AccessKeys.using(clients);
    UserPolicies policies = UserPolicies.using(clients);
    SesIdentities ses = SesIdentities.using(clients);
    return new AwsPosture() {
      @Override
      public List<AccessKeyInfo> keys(String user) throws AwsException {
        return keys.list(user);
      }

      @Override
      public Optional<KeyLastUse> lastUsed(String accessKeyId) throws AwsException {
        return keys.lastUsed(accessKeyId);
      }

      @Override
      public List<UserPolicies.PolicyDocument> policies(String user) throws AwsException {
        return policies.of(user);
      }

      @Override
      public SesIdentities.Account account() throws AwsException {
        return ses.account();
      }

      @Override
      public Optional<SesIdentities.Identity> identity(String name) throws AwsException {
        return ses.identity(name);
      }
    };
  }
}
