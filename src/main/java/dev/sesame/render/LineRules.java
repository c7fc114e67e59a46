package dev.sesame.render;

/**
 * What the two "key: login:password" table formats (Exim lsearch, Postfix tables) can carry.
 *
 * <p>Both readers split the value at the first colon into login and password, so only the password
 * (the last column) may hold colons. Both trim white space around the data (Exim spec chapter 9,
 * "Single-key lookup types", lsearch; Postfix lookup table syntax, postmap(1)) so a password cannot
 * begin or end with it, and a line starting with {@code #} is a comment. The other columns (host,
 * port, login) are refused any white space, colon, {@code #} or {@code "}: none occurs in a host
 * name, a port or an SES login, and each would change how the line splits.
 */
final class LineRules {
  private LineRules() {}

  static void check(String format, String entry, String field, String value)
      throws RenderException {
    Escaper.refuseControl(format, entry, field, value, true);
    if (TemplateFields.SMTP_PASSWORD.equals(field)) {
      if (!value.isEmpty() && (isSpace(value.charAt(0))
          || isSpace(value.charAt(value.length() - 1)))) {
        throw Escaper.unsafe(format, entry, field, "leading or trailing white space");
      }
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ':') {
        throw Escaper.unsafe(format, entry, field, "a colon (only the password column may)");
      }
      if (isSpace(c)) {
        throw Escaper.unsafe(format, entry, field, "white space");
      }
      if (c == '#' || c == '"') {
        throw Escaper.unsafe(format, entry, field, "'" + c + "'");
      }
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\u000b' || c == '\f' || Character.isWhitespace(c);
  }
}
