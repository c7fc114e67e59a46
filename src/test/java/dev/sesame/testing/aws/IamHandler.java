package dev.sesame.testing.aws;

import java.util.Map;
import java.util.Optional;

/**
 * IAM over the AWS Query protocol (version 2010-05-08): the access-key actions, with the
 * response shapes of the IAM API reference examples.
 */
public final class IamHandler extends QueryHandler {
  static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

  private final IamState state;

  public IamHandler(IamState state) {
    super("2010-05-08", NAMESPACE);
    this.state = state;
  }

  @Override
  public String signingName() {
    return "iam";
  }

  @Override
  public AwsError internalFailure() {
    // IAM's own 500 code (API reference: CreateAccessKey, Errors).
    return new AwsError(500, "ServiceFailure",
        "The request processing has failed because of an unknown error, exception or failure.", false);
  }

  @Override
  String serve(String action, Map<String, String> params, StandInRequest request) {
    return switch (action) {
      case "CreateAccessKey" -> createAccessKey(userName(params, request));
      case "ListAccessKeys" -> listAccessKeys(userName(params, request));
      case "UpdateAccessKey" -> {
        String status = required(params, "Status");
        if (!status.equals("Active") && !status.equals("Inactive")) {
          throw new AwsError(400, "ValidationError", "Invalid status " + status);
        }
        state.updateStatus(userName(params, request), required(params, "AccessKeyId"), status);
        yield null;
      }
      case "DeleteAccessKey" -> {
        state.deleteAccessKey(userName(params, request), required(params, "AccessKeyId"));
        yield null;
      }
      case "GetAccessKeyLastUsed" -> lastUsed(required(params, "AccessKeyId"));
      default -> state.policies().serve(action, params).orElseThrow(() -> unknownAction(action));
    };
  }

  private String createAccessKey(String userName) {
    IamState.Key key = state.createAccessKey(userName);
    return new QueryXml()
        .open("AccessKey")
        .text("UserName", key.userName())
        .text("AccessKeyId", key.accessKeyId())
        .text("Status", key.status())
        .text("SecretAccessKey", key.secret())
        .time("CreateDate", key.created())
        .close("AccessKey")
        .body();
  }

  private String listAccessKeys(String userName) {
    if (state.user(userName).isEmpty()) {
      throw new AwsError(404, "NoSuchEntity", "The user with name " + userName + " cannot be found.");
    }
    QueryXml xml = new QueryXml().text("UserName", userName).open("AccessKeyMetadata");
    for (IamState.Key key : state.keysOf(userName)) {
      xml.open("member")
          .text("UserName", key.userName())
          .text("AccessKeyId", key.accessKeyId())
          .text("Status", key.status())
          .time("CreateDate", key.created())
          .close("member");
    }
    return xml.close("AccessKeyMetadata").text("IsTruncated", "false").body();
  }

  private String lastUsed(String accessKeyId) {
    // The API reference lists no error of its own for an unknown key id; the stand-in answers
    // NoSuchEntity, which is what a caller must handle in any case.
    IamState.Key key =
        state.key(accessKeyId)
            .orElseThrow(
                () -> new AwsError(404, "NoSuchEntity",
                    "The Access Key with id " + accessKeyId + " cannot be found."));
    Optional<IamState.Use> use = state.lastUse(accessKeyId);
    QueryXml xml = new QueryXml().text("UserName", key.userName()).open("AccessKeyLastUsed");
    if (use.isPresent()) {
      xml.time("LastUsedDate", use.get().when())
          .text("ServiceName", use.get().service())
          .text("Region", use.get().region());
    } else {
      // Never used: no LastUsedDate, "N/A" for both strings (API reference: AccessKeyLastUsed).
      xml.text("ServiceName", "N/A").text("Region", "N/A");
    }
    return xml.close("AccessKeyLastUsed").body();
  }

  /** UserName, or the signing key's owner when omitted, as IAM does. */
  private String userName(Map<String, String> params, StandInRequest request) {
    String named = params.get("UserName");
    if (named != null && !named.isEmpty()) {
      return named;
    }
    return request.scope()
        .flatMap(scope -> state.ownerOf(scope.accessKeyId()))
        .map(IamState.User::name)
        .orElseThrow(() -> new AwsError(400, "ValidationError", "UserName is required here."));
  }
}
