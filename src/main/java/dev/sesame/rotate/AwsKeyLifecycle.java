package dev.sesame.rotate;

import dev.sesame.aws.AccessKeyInfo;
import dev.sesame.aws.AccessKeys;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsException;
import dev.sesame.aws.CallerIdentity;
import dev.sesame.aws.KeyStatus;
import dev.sesame.aws.NewAccessKey;
import dev.sesame.rotate.RotationException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link KeyLifecycle} over the AWS SDK: IAM access keys, and the STS caller for audit records. */
public final class AwsKeyLifecycle implements KeyLifecycle {
  private final AwsClients clients;
  private final AccessKeys accessKeys;
  private String actor;

  public AwsKeyLifecycle(AwsClients clients) {
    this.clients = clients;
    this.accessKeys = AccessKeys.using(clients);
  }

  @Override
  public List<IamKey> list(String user) throws RotationException {
    try {
      List<IamKey> keys = new ArrayList<>();
      for (AccessKeyInfo info : accessKeys.list(user)) {
        keys.add(new IamKey(info.accessKeyId(), info.status() == KeyStatus.ACTIVE, info.created()));
      }
      return keys;
    } catch (AwsException e) {
      throw translate(e);
    }
  }

  @Override
  public NewKey create(String user) throws RotationException {
    try {
      NewAccessKey created = accessKeys.create(user);
      return new NewKey(created.accessKeyId(), created.secret().reveal());
    } catch (AwsException e) {
      throw translate(e);
    }
  }

  @Override
  public void deactivate(String user, String keyId) throws RotationException {
    try {
      accessKeys.deactivate(user, keyId);
    } catch (AwsException e) {
      throw translate(e);
    }
  }

  @Override
  public void delete(String user, String keyId) throws RotationException {
    try {
      accessKeys.delete(user, keyId);
    } catch (AwsException e) {
      throw translate(e);
    }
  }

  @Override
  public Optional<KeyUse> lastUsed(String user, String keyId) throws RotationException {
    try {
      return accessKeys.lastUsed(keyId).map(use -> new KeyUse(use.when(), use.serviceName(), use.region()));
    } catch (AwsException e) {
      throw translate(e);
    }
  }

  @Override
  public Optional<String> owner(String keyId) throws RotationException {
    try {
      return accessKeys.owner(keyId);
    } catch (AwsException e) {
      throw translate(e);
    }
  }

  /** The caller's ARN, looked up once; audit records still get written if STS is unreachable. */
  @Override
  public synchronized String actor() {
    if (actor == null) {
      try {
        actor = CallerIdentity.lookUp(clients).arn();
      } catch (AwsException e) {
        actor = "unknown (sts:GetCallerIdentity failed: " + e.kind() + ")";
      }
    }
    return actor;
  }

  private static RotationException translate(AwsException e) {
    return new RotationException(e.kind() == AwsException.Kind.NOT_FOUND ? Kind.NOT_FOUND : Kind.AWS,
        e.getMessage(), e);
  }
}
