package dev.sesame.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every known secret value in text shown to a user (a failing command's output, a
 * dry-run diff) by {@link TemplateFields#MASK}: each secret as it is, as every format writes it (a check
 * that quotes the file it read shows the escaped form), and base64-encoded (SMTP AUTH). Plain
 * string replacement, longest first: a secret is never made into a pattern.
 */
final class SecretMask {
  private final Set<String> forms = new LinkedHashSet<>();

  /** Adds SECRET and the forms it takes in rendered files and SMTP conversations. */
  void add(String secret) {
    if (secret == null || secret.isEmpty()) {
      return;
    }
    forms.add(secret);
    forms.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    for (Format format : Format.values()) {
      try {
        String escaped = format.escaper().escape("", "", secret);
        forms.add(escaped);
        if (escaped.length() > 2 && isQuote(escaped.charAt(0)) && escaped.charAt(escaped.length() - 1) == escaped.charAt(0)) {
          forms.add(escaped.substring(1, escaped.length() - 1));
        }
      } catch (RenderException refused) {
        // This format cannot carry the secret, so no file of it holds one.
      }
    }
  }

  /** A source that records the secret fields of every entry it is asked about, then answers as SOURCE. */
  FieldSource recording(FieldSource source) {
    Set<String> seen = new LinkedHashSet<>();
    return (entry, field) -> {
      if (seen.add(entry)) {
        for (String secretField : List.of(TemplateFields.SMTP_PASSWORD, TemplateFields.SECRET_ACCESS_KEY)) {
          source.field(entry, secretField).ifPresent(this::add);
        }
      }
      return source.field(entry, field);
    };
  }

  String apply(String text) {
    List<String> longestFirst = new ArrayList<>(forms);
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    String out = text;
    for (String form : longestFirst) {
      out = out.replace(form, TemplateFields.MASK);
    }
    return out;
  }

  List<String> apply(List<String> lines) {
    return lines.stream().map(this::apply).toList();
  }

  private static boolean isQuote(char c) {
    return c == '\'' || c == '"';
  }
}
