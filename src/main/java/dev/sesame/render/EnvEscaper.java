package dev.sesame.render;

/**
 * A double-quoted value, quotes included, that POSIX sh ({@code . file}) and systemd's
 * EnvironmentFile= read identically.
 *
 * <p>Inside double quotes sh removes a backslash only before {@code $ ` " \} and newline (POSIX
 * Shell Command Language 2.2.3); systemd's env-file parser unescapes exactly the same four
 * characters and keeps the backslash before anything else (systemd src/basic/env-file.c,
 * DOUBLE_QUOTE_VALUE_ESCAPE with SHELL_NEED_ESCAPE). A single-quoted {@code '\''} word does not
 * work for systemd: after a closing quote its parser treats further quotes as literal text. systemd
 * does no {@code $} expansion in EnvironmentFile=, sh does, so {@code $} is escaped for sh. Line
 * breaks are refused: line-based readers of env files would split them.
 */
public final class EnvEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    Escaper.refuseControl("env", entry, field, value, true);
    StringBuilder out = new StringBuilder(value.length() + 8).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '"' || c == '$' || c == '`') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }
}
