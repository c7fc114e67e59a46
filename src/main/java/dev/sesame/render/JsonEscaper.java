package dev.sesame.render;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** A complete JSON string, quotes included, escaped by jackson-core's encoder (RFC 8259 section 7). */
public final class JsonEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    Escaper.refuseControl("json", entry, field, value, false);
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
  }
}
