package dev.sesame.render;

/**
 * The inside of a double-quoted, string-expanded option value in exim.conf; the template writes the
 * quotes. Two readers run in turn and each needs its own escaping:
 * <ol>
 *   <li>the string expander (Exim spec chapter 11, "Literal text in expanded strings") treats
 *       {@code $} and {@code \} as special, and braces inside expansion items; a backslash before
 *       any of them makes it literal: {@code \$ \\ \{ \}};
 *   <li>the configuration reader (Exim spec chapter 6, "String values in the configuration file")
 *       interprets backslashes inside double quotes first, so every backslash of step 1 is doubled
 *       and {@code "} becomes {@code \"}.
 * </ol>
 * Hence {@code $ -> \\$}, {@code \ -> \\\\}, <code>{ -> \\{</code>, <code>} -> \\}</code>,
 * {@code " -> \"}. Line breaks are refused (a line ending in a backslash would continue the option).
 * Not for list options (a colon would split the item) nor unexpanded options: keep secrets out of
 * exim.conf and read them from a 0640 file by lookup, as the shipped templates do.
 */
public final class EximEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    Escaper.refuseControl("exim", entry, field, value, true);
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\\\\\");
        case '$', '{', '}' -> out.append("\\\\").append(c);
        case '"' -> out.append("\\\"");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
