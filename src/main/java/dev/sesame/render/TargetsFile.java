package dev.sesame.render;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a targets file: TOML, one {@code [[target]]} table per target (format documented in
 * docs/rendering.md). TOML because it is what operators already edit by hand (comments, no
 * brace-matching) and jackson-dataformat-toml shares the jackson-core the project already has.
 * Unknown keys are errors, so a typo such as {@code restrat} cannot silently drop a restart.
 */
public final class TargetsFile {
  private static final Set<String> KEYS = Set.of("entry", "template", "out", "format", "mode",
      "owner", "group", "check", "restart", "health", "follow_symlinks", "kind");

  private TargetsFile() {}

  /** The targets in FILE, with relative template/out paths resolved against FILE's folder. */
  public static List<Target> read(Path file) throws RenderException {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(RegularFiles.read(file, "targets file", Renderer.MAX_TEMPLATE_BYTES));
    } catch (JacksonException e) {
      throw malformed(file, where(e) + tomlProblem(e.getOriginalMessage()));
    } catch (NoSuchFileException e) {
      throw new RenderException(RenderException.Reason.NOT_FOUND, "targets file " + file + " does not exist", e);
    } catch (FileRefusedException e) {
      throw new RenderException(RenderException.Reason.IO, e.getMessage(), e);
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot read targets file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    if (root == null || !root.isObject()) {
      throw malformed(file, "empty");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("target")) {
        throw malformed(file, "unknown top-level key '" + key + "' (expected [[target]] tables)");
      }
    }
    JsonNode tables = root.get("target");
    if (tables == null || !tables.isArray() || tables.isEmpty()) {
      throw malformed(file, "no [[target]] tables");
    }
    Path base = file.toAbsolutePath().getParent();
    List<Target> targets = new ArrayList<>();
    int index = 0;
    for (JsonNode t : tables) {
      index++;
      String where = "target #" + index;
      if (!t.isObject()) {
        throw malformed(file, where + " is not a table");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
        String key = it.next().getKey();
        if (!KEYS.contains(key)) {
          throw malformed(file, where + ": unknown key '" + key + "'");
        }
      }
      Format format;
      try {
        format = Format.parse(required(file, t, where, "format"));
      } catch (IllegalArgumentException e) {
        throw malformed(file, where + ": " + e.getMessage());
      }
      JsonNode modeNode = t.get("mode");
      if (modeNode != null && !modeNode.isTextual()) {
        // A bare 640 would be read as decimal: only a quoted octal string is unambiguous.
        throw malformed(file, where + ": write " + MODE_SPELLING);
      }
      Optional<Integer> mode = optional(file, t, where, "mode").map(TargetsFile::parseMode);
      if (mode.isPresent() && mode.get() < 0) {
        throw malformed(file, where + ": write " + MODE_SPELLING);
      }
      JsonNode follow = t.get("follow_symlinks");
      if (follow != null && !follow.isBoolean()) {
        throw malformed(file, where + ": follow_symlinks must be true or false");
      }
      Optional<String> kindName = optional(file, t, where, "kind");
      Optional<Target.Kind> kind = kindName.isEmpty() ? Optional.of(Target.Kind.FILE)
          : Target.Kind.named(kindName.get());
      if (kind.isEmpty()) {
        throw malformed(file, where + ": kind must be \"file\" or \"cpanel-exim-local\"");
      }
      try {
        targets.add(new Target(required(file, t, where, "entry"),
            base.resolve(required(file, t, where, "template")).normalize(),
            base.resolve(required(file, t, where, "out")).normalize(), format, mode,
            optional(file, t, where, "owner"), optional(file, t, where, "group"),
            optional(file, t, where, "check"), optional(file, t, where, "restart"),
            optional(file, t, where, "health"), follow != null && follow.booleanValue(),
            kind.get()));
      } catch (IllegalArgumentException e) {
        throw malformed(file, where + ": " + e.getMessage());
      }
    }
    return targets;
  }

  /** The spelling of a mode that targets files accept, for messages. */
  static final String MODE_SPELLING = "mode = \"0640\" (a quoted octal string of four digits)";

  /** "line 3, column 8: " from the TOML parser's location, when it has one. */
  private static String where(JacksonException e) {
    var location = e.getLocation();
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
  }

  /**
   * The parser's reason, except for an unquoted mode: TOML reads 0640 as a malformed integer and
   * suggests 0o640, which is an integer too, and refused below; say the one spelling that works.
   */
  private static String tomlProblem(String parserMessage) {
    String reason = parserMessage == null ? "" : parserMessage.split("\\R", 2)[0];
    if (reason.startsWith("Zero-prefixed ints")) {
      return "not valid TOML (a number with a leading zero); write " + MODE_SPELLING;
    }
    return "not valid TOML (" + reason + ")";
  }

  /** Octal permission bits from "0640"; -1 for any other spelling. */
  private static int parseMode(String text) {
    if (!text.matches("0[0-7]{3}")) {
      return -1;
    }
    return Integer.parseInt(text, 8);
  }

  private static String required(Path file, JsonNode t, String where, String key)
      throws RenderException {
    return optional(file, t, where, key)
        .orElseThrow(() -> malformed(file, where + ": missing '" + key + "'"));
  }

  private static Optional<String> optional(Path file, JsonNode t, String where, String key)
      throws RenderException {
    JsonNode v = t.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.textValue().isEmpty()) {
      throw malformed(file, where + ": '" + key + "' must be a non-empty string");
    }
    return Optional.of(v.textValue());
  }

  private static RenderException malformed(Path file, String what) {
    return new RenderException(RenderException.Reason.TEMPLATE,
        "targets file " + file + ": " + what);
  }
}
