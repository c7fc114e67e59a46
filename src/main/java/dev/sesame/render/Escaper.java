package dev.sesame.render;

/**
 * Makes one value safe for one target format. Each format's rules live in one small class; a value
 * that the format cannot carry is refused with {@link RenderException.Reason#UNSAFE_VALUE}, naming
 * the entry and field and the kind of character, never the value.
 *
 * <p>Every format refuses NUL: no reader here carries it, and SMTP AUTH PLAIN uses NUL as its
 * separator, so no working SMTP credential contains one.
 */
public sealed interface Escaper
    permits PhpEscaper, ShellEscaper, EnvEscaper, JsonEscaper, EximPasswdEscaper, PostfixEscaper,
        EximEscaper, RawEscaper {

  /** VALUE of FIELD of ENTRY, escaped for this format. */
  String escape(String entry, String field, String value) throws RenderException;

  /** Throws UNSAFE_VALUE when VALUE contains NUL or, if asked, CR or LF. */
  static void refuseControl(String format, String entry, String field, String value,
      boolean lineBreaks) throws RenderException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        throw unsafe(format, entry, field, "a NUL character");
      }
      if (lineBreaks && (c == '\n' || c == '\r')) {
        throw unsafe(format, entry, field, "a line break");
      }
    }
  }

  static RenderException unsafe(String format, String entry, String field, String what) {
    return new RenderException(RenderException.Reason.UNSAFE_VALUE,
        "field '" + field + "' of entry '" + entry + "' contains " + what
            + ", which format " + format + " cannot carry");
  }
}
