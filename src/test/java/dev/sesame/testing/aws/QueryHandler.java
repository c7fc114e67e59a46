package dev.sesame.testing.aws;

import java.util.Map;

/**
 * The AWS Query protocol shared by IAM and STS: a form-encoded POST naming {@code Action} and
 * {@code Version}; XML answers and {@code ErrorResponse} errors in the service's namespace.
 */
abstract class QueryHandler implements ServiceHandler {
  private final String version;
  private final String namespace;

  QueryHandler(String version, String namespace) {
    this.version = version;
    this.namespace = namespace;
  }

  @Override
  public String action(StandInRequest request) {
    return request.form().getOrDefault("Action", "");
  }

  @Override
  public final StandInResponse handle(StandInRequest request, String requestId) {
    Map<String, String> params = request.form();
    String action = params.getOrDefault("Action", "");
    if (!"POST".equals(request.method())) {
      throw new AwsError(400, "InvalidAction", "The stand-in only accepts POST for the Query protocol.");
    }
    if (!version.equals(params.get("Version"))) {
      throw new AwsError(400, "InvalidAction",
          "Could not find operation " + action + " for version " + params.get("Version"));
    }
    String result = serve(action, params, request);
    return StandInResponse.xml(200, QueryXml.success(action, namespace, requestId, result));
  }

  @Override
  public final StandInResponse render(AwsError error, String requestId) {
    return StandInResponse.xml(error.status(), QueryXml.error(namespace, error, requestId));
  }

  /** The inner XML of {@code <ActionResult>}, or null for actions that return no result. */
  abstract String serve(String action, Map<String, String> params, StandInRequest request);

  static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw new AwsError(400, "ValidationError",
          "1 validation error detected: Value null at '" + lowerFirst(name)
              + "' failed to satisfy constraint: Member must not be null");
    }
    return value;
  }

  static AwsError unknownAction(String action) {
    return new AwsError(400, "InvalidAction", "Could not find operation " + action);
  }

  private static String lowerFirst(String name) {
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
