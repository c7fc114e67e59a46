package dev.sesame.testing.aws;

import java.nio.charset.StandardCharsets;

/** An HTTP answer of the stand-in. */
public record StandInResponse(int status, String contentType, byte[] body) {
  public static StandInResponse xml(int status, String xml) {
    return new StandInResponse(status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
  }

  public static StandInResponse json(int status, String contentType, String json) {
    return new StandInResponse(status, contentType, json.getBytes(StandardCharsets.UTF_8));
  }
}
