package dev.sesame.testing.aws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the stand-in received it, with the SigV4 credential scope read from the
 * {@code Authorization} header ({@code Credential=KEYID/DATE/REGION/SERVICE/aws4_request}).
 *
 * @param headers header names in lower case, first value only
 */
public record StandInRequest(
    String method,
    String path,
    String query,
    Map<String, String> headers,
    byte[] body,
    Optional<SigningScope> scope) {

  /** The SigV4 credential scope: which key signed, for which region and service. */
  public record SigningScope(String accessKeyId, String date, String region, String service) {}

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as {@code application/x-www-form-urlencoded} parameters (AWS Query protocol). */
  public Map<String, String> form() {
    Map<String, String> params = new LinkedHashMap<>();
    String text = bodyText();
    if (text.isEmpty()) {
      return params;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  /** Parses {@code Credential=...} out of a SigV4 Authorization header; empty when absent. */
  static Optional<SigningScope> scopeOf(String authorization) {
    if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
      return Optional.empty();
    }
    int start = authorization.indexOf("Credential=");
    if (start < 0) {
      return Optional.empty();
    }
    int end = authorization.indexOf(',', start);
    String credential =
        authorization.substring(start + "Credential=".length(), end < 0 ? authorization.length() : end);
    String[] parts = credential.trim().split("/");
    if (parts.length != 5 || !"aws4_request".equals(parts[4])) {
      return Optional.empty();
    }
    return Optional.of(new SigningScope(parts[0], parts[1], parts[2], parts[3]));
  }
}
