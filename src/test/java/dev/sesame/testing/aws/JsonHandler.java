package dev.sesame.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The awsJson1.1 protocol (KMS, Secrets Manager): every request is a POST to "/" whose
 * {@code X-Amz-Target} header names {@code Prefix.Operation} and whose body is a JSON object;
 * answers are JSON, and errors are HTTP 400/500 with {@code {"__type": CODE, "message": TEXT}}.
 */
abstract class JsonHandler implements ServiceHandler {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

  private final String targetPrefix;

  JsonHandler(String targetPrefix) {
    this.targetPrefix = targetPrefix;
  }

  @Override
  public final String action(StandInRequest request) {
    String target = request.header("x-amz-target");
    if (target == null || !target.startsWith(targetPrefix + ".")) {
      return "Unknown";
    }
    return target.substring(targetPrefix.length() + 1);
  }

  @Override
  public final StandInResponse handle(StandInRequest request, String requestId) {
    String action = action(request);
    JsonNode body;
    try {
      body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
    } catch (IOException e) {
      throw new AwsError(400, "SerializationException", "body is not JSON");
    }
    if (!body.isObject()) {
      throw new AwsError(400, "SerializationException", "body is not a JSON object");
    }
    ObjectNode result = serve(action, (ObjectNode) body);
    return StandInResponse.json(200, CONTENT_TYPE, result.toString());
  }

  @Override
  public final StandInResponse render(AwsError error, String requestId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", error.code());
    body.put("message", error.getMessage());
    return StandInResponse.json(error.status(), CONTENT_TYPE, body.toString());
  }

  @Override
  public AwsError throttling() {
    return new AwsError(400, "ThrottlingException", "Rate exceeded");
  }

  @Override
  public AwsError accessDenied(String action) {
    return new AwsError(400, "AccessDeniedException", "User is not authorized to perform: " + action
        + " because no identity-based policy allows the action");
  }

  @Override
  public AwsError internalFailure() {
    return new AwsError(500, "InternalFailure", "An internal error occurred.", false);
  }

  abstract ObjectNode serve(String action, ObjectNode request);

  static String required(ObjectNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull() || value.asText().isEmpty()) {
      throw new AwsError(400, "ValidationException", "1 validation error detected: Value null at '"
          + Character.toLowerCase(field.charAt(0)) + field.substring(1)
          + "' failed to satisfy constraint: Member must not be null");
    }
    return value.asText();
  }

  static String optional(ObjectNode request, String field) {
    JsonNode value = request.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  static AwsError unknownAction(String action) {
    return new AwsError(400, "UnknownOperationException", "Unknown operation " + action);
  }
}
