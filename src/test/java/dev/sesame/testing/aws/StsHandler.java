package dev.sesame.testing.aws;

import java.util.Map;

/**
 * STS over the AWS Query protocol (version 2011-06-15): GetCallerIdentity. The caller is the IAM
 * user owning the signing key when the stand-in knows that key, otherwise the configured
 * operator identity.
 */
public final class StsHandler extends QueryHandler {
  static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

  private final IamState iam;
  private volatile String operatorArn = "arn:aws:iam::" + IamState.ACCOUNT + ":user/sesame-operator";
  private volatile String operatorUserId = "AIDASTANDINOPERATOR01";

  public StsHandler(IamState iam) {
    super("2011-06-15", NAMESPACE);
    this.iam = iam;
  }

  /** The identity reported for signing keys that belong to no stand-in user. */
  public void operator(String arn, String userId) {
    this.operatorArn = arn;
    this.operatorUserId = userId;
  }

  @Override
  public String signingName() {
    return "sts";
  }

  @Override
  String serve(String action, Map<String, String> params, StandInRequest request) {
    if (!action.equals("GetCallerIdentity")) {
      throw unknownAction(action);
    }
    String keyId = request.scope().map(StandInRequest.SigningScope::accessKeyId).orElse("");
    String arn = iam.ownerOf(keyId).map(IamState.User::arn).orElse(operatorArn);
    String userId = iam.ownerOf(keyId).map(IamState.User::userId).orElse(operatorUserId);
    return new QueryXml()
        .text("Arn", arn)
        .text("UserId", userId)
        .text("Account", IamState.ACCOUNT)
        .body();
  }
}
