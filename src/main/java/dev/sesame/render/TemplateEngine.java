package dev.sesame.render;

import dev.sesame.ses.TlsMode;
import java.util.Optional;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookup;

/**
 * Fills {@code ${field}} and {@code ${ENTRY.field}} placeholders through Commons Text's
 * {@link StringSubstitutor}, escaping each value for the target's format as it is inserted.
 *
 * <p>The substitutor is set up so that a value can never be read as template text: substitution in
 * values is off (a password containing {@code ${x}} goes in literally, and an escaped value's own
 * {@code $} is never rescanned), nested variable names are off, and the {@code :-} default syntax is
 * off (a missing field must fail, not fall back). {@code $${} writes a literal {@code ${}, which is
 * how templates for Exim keep Exim's own expansions.
 */
final class TemplateEngine {
  private TemplateEngine() {}

  /** Carries a RenderException out of the StringLookup callback, which cannot throw checked ones. */
  private static final class LookupFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RenderException failure;

    LookupFailure(RenderException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  /**
   * TEMPLATE filled from SOURCE for ENTRY in FORMAT. When MASKED, secret fields are replaced by
   * {@link TemplateFields#MASK} (still escaped), for --dry-run output.
   */
  static String render(String template, String templateName, String entry, Format format,
      FieldSource source, boolean masked) throws RenderException {
    checkPlaceholdersClosed(template, templateName);
    StringLookup lookup = name -> {
      try {
        return resolve(name, templateName, entry, format, source, masked);
      } catch (RenderException e) {
        throw new LookupFailure(e);
      }
    };
    StringSubstitutor substitutor = new StringSubstitutor(lookup);
    substitutor.setDisableSubstitutionInValues(true);
    substitutor.setEnableSubstitutionInVariables(false);
    substitutor.setValueDelimiterMatcher(null);
    substitutor.setEnableUndefinedVariableException(true);
    try {
      return substituteLineByLine(substitutor, template);
    } catch (LookupFailure e) {
      throw e.failure;
    } catch (IllegalArgumentException e) {
      // Only reached for a lookup that returned null, which ours never does; kept as a guard.
      throw new RenderException(RenderException.Reason.TEMPLATE,
          "template " + templateName + ": unresolved placeholder");
    }
  }

  /**
   * TEMPLATE substituted one line at a time. StringSubstitutor replaces in place, moving all the
   * text after a placeholder for each one, so a whole template costs time quadratic in its size
   * (a 50 kB template with 2,000 placeholders moved about 100 MB per render). A placeholder never
   * spans lines (checkPlaceholdersClosed), so line by line gives the same text.
   */
  private static String substituteLineByLine(StringSubstitutor substitutor, String template) {
    StringBuilder rendered = new StringBuilder(template.length() + 256);
    int start = 0;
    while (start < template.length()) {
      int newline = template.indexOf('\n', start);
      int end = newline < 0 ? template.length() : newline + 1;
      rendered.append(substitutor.replace(template, start, end - start));
      start = end;
    }
    return rendered.toString();
  }

  private static String resolve(String name, String templateName, String defaultEntry,
      Format format, FieldSource source, boolean masked) throws RenderException {
    int dot = name.lastIndexOf('.');
    String entry = dot < 0 ? defaultEntry : name.substring(0, dot);
    String field = dot < 0 ? name : name.substring(dot + 1);
    if (entry.isEmpty() || !TemplateFields.isKnown(field)) {
      throw new RenderException(RenderException.Reason.TEMPLATE,
          "template " + templateName + ": unknown placeholder ${" + name + "}; fields are "
              + String.join(", ", TemplateFields.STORED) + ", " + String.join(", ", TemplateFields.TLS_DERIVED));
    }
    String value;
    if (TemplateFields.SMTP_TLS.equals(field) || TemplateFields.TLS_DERIVED.contains(field)) {
      value = tlsWord(field, tlsMode(source, entry, templateName));
    } else {
      value = require(source, entry, field, templateName);
    }
    if (masked && TemplateFields.isSecret(field)) {
      value = TemplateFields.MASK;
    }
    return format.escaper().escape(entry, field, value);
  }

  private static String require(FieldSource source, String entry, String field,
      String templateName) throws RenderException {
    Optional<String> value = source.field(entry, field);
    if (value.isEmpty()) {
      throw new RenderException(RenderException.Reason.NOT_FOUND,
          "template " + templateName + " needs field '" + field + "' of entry '" + entry
              + "', which does not exist");
    }
    return value.get();
  }

  /**
   * ENTRY's TLS mode: its stored smtp_tls, else what its port implies (any port of an SES entry,
   * a well-known port of a manual relay). A relay on another port with nothing stored cannot be
   * guessed: 2525 is STARTTLS at some providers and implicit TLS at others.
   */
  static TlsMode tlsMode(FieldSource source, String entry, String templateName) throws RenderException {
    String port = require(source, entry, TemplateFields.SMTP_PORT, templateName).trim();
    boolean ses = source.field(entry, TemplateFields.REGION).isPresent();
    try {
      return TlsMode.ofEntry(source.field(entry, TemplateFields.SMTP_TLS), Integer.parseInt(port), ses)
          .orElseThrow(() -> new RenderException(RenderException.Reason.TEMPLATE, "entry '" + entry
              + "' is a relay on port " + port + " with no stored TLS mode; store it again with: sesame put "
              + entry + " --host ... --port " + port + " --tls starttls|implicit ..."));
    } catch (IllegalArgumentException e) {
      throw new RenderException(RenderException.Reason.TEMPLATE, "entry '" + entry + "': " + e.getMessage());
    }
  }

  /** The word each reader wants for MODE in FIELD. */
  private static String tlsWord(String field, TlsMode mode) {
    boolean implicit = mode == TlsMode.IMPLICIT;
    return switch (field) {
      case TemplateFields.SMTP_SECURE -> implicit ? "ssl" : "tls";
      case TemplateFields.SMTP_TLS_WRAPPERMODE -> implicit ? "yes" : "no";
      case TemplateFields.SMTP_PROTOCOL -> implicit ? "smtps" : "smtp";
      default -> mode.wireName();
    };
  }

  /** An opening {@code ${} without its {@code }} is a template mistake, not text to keep. */
  private static void checkPlaceholdersClosed(String template, String templateName)
      throws RenderException {
    int line = 1;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c == '$' && template.startsWith("$${", i)) {
        i += 2;
      } else if (c == '$' && template.startsWith("${", i)) {
        int close = template.indexOf('}', i + 2);
        int newline = template.indexOf('\n', i + 2);
        if (close < 0 || (newline >= 0 && newline < close)) {
          throw new RenderException(RenderException.Reason.TEMPLATE,
              "template " + templateName + " line " + line + ": '${' without a closing '}'"
                  + " on the same line (write $${ for a literal ${)");
        }
        i = close;
      }
    }
  }
}
