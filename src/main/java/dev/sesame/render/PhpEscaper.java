package dev.sesame.render;

/**
 * A complete PHP single-quoted string literal, quotes included. Inside single quotes PHP gives
 * meaning only to {@code \\} and {@code \'} (PHP manual, "Strings: single quoted"); escaping both
 * leaves every other byte, {@code $} and non-ASCII included, literal. A {@code ?>} inside a string
 * literal does not end PHP mode, so it needs nothing.
 */
public final class PhpEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    Escaper.refuseControl("php", entry, field, value, false);
    StringBuilder out = new StringBuilder(value.length() + 8).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '\'') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('\'').toString();
  }
}
