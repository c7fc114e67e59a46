package dev.sesame.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * One invocation of the rotation function. Secrets Manager sends
 * {@code {"Step": "createSecret|setSecret|testSecret|finishSecret", "SecretId": ARN,
 * "ClientRequestToken": TOKEN}} (Secrets Manager User Guide: "Rotation by Lambda function"; it
 * adds "RotationToken", which every PutSecretValue of that invocation must carry for a rotation by
 * an assumed role or across accounts: API reference, PutSecretValue, RotationToken). A schedule (EventBridge Scheduler) sends
 * {@code {"Step": "retireDue"}}, optionally with "SecretId", for the previous key's retirement
 * after its grace period.
 */
record RotationEvent(Step step, Optional<String> secretId, Optional<String> token, Optional<String> rotationToken) {
  private static final JsonFactory JSON = new JsonFactory();

  /** The four steps of Secrets Manager's rotation protocol, plus Sesame's scheduled retirement. */
  enum Step {
    CREATE_SECRET("createSecret"), SET_SECRET("setSecret"), TEST_SECRET("testSecret"),
    FINISH_SECRET("finishSecret"), RETIRE_DUE("retireDue");

    final String wireName;

    Step(String wireName) {
      this.wireName = wireName;
    }

    static Step parse(String text) {
      for (Step step : values()) {
        if (step.wireName.equals(text)) {
          return step;
        }
      }
      throw new IllegalArgumentException("unknown Step '" + text
          + "': expected createSecret, setSecret, testSecret, finishSecret or retireDue");
    }
  }

  /** Parses an event; IllegalArgumentException names what is missing or wrong. */
  static RotationEvent parse(byte[] json) {
    String step = null;
    String secretId = null;
    String token = null;
    String rotationToken = null;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the event is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        switch (field) {
          case "Step" -> step = parser.getValueAsString();
          case "SecretId" -> secretId = parser.getValueAsString();
          case "ClientRequestToken" -> token = parser.getValueAsString();
          case "RotationToken" -> rotationToken = parser.getValueAsString();
          default -> { } // anything newer
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the event is not valid JSON", e);
    }
    if (step == null) {
      throw new IllegalArgumentException("the event has no Step");
    }
    Step parsed = Step.parse(step);
    if (parsed != Step.RETIRE_DUE && (blank(secretId) || blank(token))) {
      throw new IllegalArgumentException("a " + step + " event needs SecretId and ClientRequestToken");
    }
    return new RotationEvent(parsed, Optional.ofNullable(secretId).filter(s -> !s.isBlank()),
        Optional.ofNullable(token).filter(s -> !s.isBlank()),
        Optional.ofNullable(rotationToken).filter(s -> !s.isBlank()));
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
