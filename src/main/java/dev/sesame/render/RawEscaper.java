package dev.sesame.render;

/**
 * The value as it is: an explicit opt-in for readers that none of the other formats fits. Still
 * refuses NUL and line breaks, which no credential contains and which would silently add lines to
 * a line-based file.
 */
public final class RawEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    Escaper.refuseControl("raw", entry, field, value, true);
    return value;
  }
}
