package dev.sesame.cli;

import dev.sesame.render.Format;
import dev.sesame.vault.Label;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The closed sets of values that shell completion offers and help texts list
 * ({@code ${COMPLETION-CANDIDATES}}): one source for both, taken from the types that own them.
 */
final class CompletionValues {
  private CompletionValues() {}

  /** Render formats, as {@code --format} and targets files name them. */
  static final class Formats implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Format.values()).map(Format::cliName).iterator();
    }
  }

  /** Render target kinds, as {@code --kind} and targets files name them. */
  static final class Kinds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(dev.sesame.render.Target.Kind.values())
          .map(dev.sesame.render.Target.Kind::tomlName).iterator();
    }
  }

  /** Entry fields, as {@code get --field} and templates name them. */
  static final class FieldNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return dev.sesame.vault.Credential.ALL_FIELDS.iterator();
    }
  }

  /** Version labels. */
  static final class Labels implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Label.values()).map(Label::wireName).iterator();
    }
  }
}
