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

  /**
   * The look-ups through the real SDK clients. Once AWS proves unusable as a whole (no
   * credentials or region, credentials refused, no answer), later look-ups fail with the same
   * error at once instead of waiting through the SDK's chains and retries again.
   */
  static AwsPosture using(AwsClients clients) {
    return failFast(direct(clients));
  }

  private static AwsPosture direct(AwsClients clients) {
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

  /** Wraps LOOKUPS so that the first account-wide failure answers every later call. */
  static AwsPosture failFast(AwsPosture lookups) {
    java.util.concurrent.atomic.AtomicReference<AwsException> fatal = new java.util.concurrent.atomic.AtomicReference<>();
    interface Call<T> {
      T run() throws AwsException;
    }
    class Guard {
      <T> T call(Call<T> call) throws AwsException {
        AwsException earlier = fatal.get();
        if (earlier != null) {
          throw earlier;
        }
        try {
          return call.run();
        } catch (AwsException e) {
          if (e.kind() == AwsException.Kind.NOT_CONFIGURED || e.kind() == AwsException.Kind.CREDENTIALS_REJECTED
              || e.kind() == AwsException.Kind.UNREACHABLE) {
            fatal.compareAndSet(null, e);
          }
          throw e;
        }
      }
    }
    Guard guard = new Guard();
    return new AwsPosture() {
      @Override
      public List<AccessKeyInfo> keys(String user) throws AwsException {
        return guard.call(() -> lookups.keys(user));
      }

      @Override
      public Optional<KeyLastUse> lastUsed(String accessKeyId) throws AwsException {
        return guard.call(() -> lookups.lastUsed(accessKeyId));
      }

      @Override
      public List<UserPolicies.PolicyDocument> policies(String user) throws AwsException {
        return guard.call(() -> lookups.policies(user));
      }

      @Override
      public SesIdentities.Account account() throws AwsException {
        return guard.call(lookups::account);
      }

      @Override
      public Optional<SesIdentities.Identity> identity(String name) throws AwsException {
        return guard.call(() -> lookups.identity(name));
      }
    };
  }
}
