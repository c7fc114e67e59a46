package dev.sesame.testing.aws;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The XML side of the AWS Query protocol (IAM, STS): every answer is
 * {@code <ActionResponse xmlns=NS><ActionResult>...</ActionResult><ResponseMetadata><RequestId>}
 * and every error is {@code <ErrorResponse xmlns=NS><Error><Type/><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>}, as the IAM and STS API references show in their examples.
 */
final class QueryXml {
  private final StringBuilder xml = new StringBuilder();

  /** Opens an element. */
  QueryXml open(String name) {
    xml.append('<').append(name).append('>');
    return this;
  }

  QueryXml close(String name) {
    xml.append("</").append(name).append('>');
    return this;
  }

  /** An element with escaped text content. */
  QueryXml text(String name, String value) {
    return open(name).escaped(value).close(name);
  }

  /** A timestamp the way IAM writes them: ISO 8601 in UTC. */
  QueryXml time(String name, Instant value) {
    return text(name, value.truncatedTo(ChronoUnit.MILLIS).toString());
  }

  String body() {
    return xml.toString();
  }

  static String success(String action, String namespace, String requestId, String result) {
    StringBuilder out = new StringBuilder();
    out.append("<").append(action).append("Response xmlns=\"").append(namespace).append("\">");
    if (result != null) {
      out.append('<').append(action).append("Result>")
          .append(result)
          .append("</").append(action).append("Result>");
    }
    out.append("<ResponseMetadata><RequestId>").append(requestId)
        .append("</RequestId></ResponseMetadata>");
    out.append("</").append(action).append("Response>");
    return out.toString();
  }

  static String error(String namespace, AwsError error, String requestId) {
    return new StringBuilder()
        .append("<ErrorResponse xmlns=\"").append(namespace).append("\">")
        .append("<Error><Type>").append(error.sender() ? "Sender" : "Receiver").append("</Type>")
        .append("<Code>").append(escape(error.code())).append("</Code>")
        .append("<Message>").append(escape(error.getMessage())).append("</Message></Error>")
        .append("<RequestId>").append(requestId).append("</RequestId>")
        .append("</ErrorResponse>")
        .toString();
  }

  private QueryXml escaped(String value) {
    xml.append(escape(value));
    return this;
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
