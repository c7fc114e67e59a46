package dev.sesame.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Environment variable names for an entry's fields: PREFIX + the field upper-cased, with the
 * field's own "smtp_" dropped, so the default prefix SMTP_ gives SMTP_HOST, SMTP_PORT,
 * SMTP_USERNAME, SMTP_PASSWORD, SMTP_REGION, SMTP_ACCESS_KEY_ID, ...
 */
final class EnvNames {
  static final String DEFAULT_PREFIX = "SMTP_";

  private EnvNames() {}

  static Map<String, String> of(String prefix, Map<String, String> fields) throws UserError {
    if (!prefix.matches("[A-Za-z_][A-Za-z0-9_]*|")) {
      throw new UserError(ExitCode.USAGE, "--prefix must be letters, digits and '_'");
    }
    Map<String, String> env = new LinkedHashMap<>();
    fields.forEach((field, value) -> {
      String bare = field.startsWith("smtp_") ? field.substring("smtp_".length()) : field;
      env.put(prefix + bare.toUpperCase(Locale.ROOT), value);
    });
    return env;
  }
}
