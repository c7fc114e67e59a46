package dev.sesame.cli;

import dev.sesame.vault.Credential;
import java.util.List;

/** The field names of design.md section 5, the only names `get --field` accepts. */
final class Fields {
  static final List<String> ALL = Credential.ALL_FIELDS;

  private Fields() {}

  static String check(String field) throws UserError {
    if (!ALL.contains(field)) {
      throw new UserError(ExitCode.USAGE, "unknown field: expected one of " + String.join(", ", ALL));
    }
    return field;
  }
}
