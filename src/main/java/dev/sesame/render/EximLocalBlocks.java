package dev.sesame.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps one marked Sesame block per section inside cPanel's /etc/exim.conf.local, where WHM's
 * Advanced Editor stores its boxes: a line {@code @SECTION@} (e.g. {@code @AUTH@},
 * {@code @TRANSPORTSTART@}) starts a section, which runs to the next such line; cPanel's
 * buildeximconf copies each section's text to its place in /etc/exim.conf.
 *
 * <p>A rendered template of this kind is a list of sections in the same form. For each one, the
 * file's section gets exactly one block, right after its marker line:
 * <pre>
 * # BEGIN sesame ENTRY (managed by sesame render; edits inside are replaced)
 * ...the template's text for that section...
 * # END sesame ENTRY
 * </pre>
 * A block of ENTRY in a section the template no longer names is removed. Every other byte of the
 * file is kept, so the result of a second run with the same input is the same file.
 */
final class EximLocalBlocks {
  private static final Pattern MARKER = Pattern.compile("@[A-Z]+@");

  private EximLocalBlocks() {}

  /** FILE (the current exim.conf.local) with ENTRY's blocks set to the sections of RENDERED. */
  static String merge(String file, String rendered, String entry, String where)
      throws RenderException {
    Map<String, String> wanted = sections(rendered, where);
    String begin = "# BEGIN sesame " + entry;
    String end = "# END sesame " + entry;
    List<String> lines = file.lines().toList();
    for (String marker : wanted.keySet()) {
      long count = lines.stream().filter(marker::equals).count();
      if (count != 1) {
        throw new RenderException(RenderException.Reason.TEMPLATE, where + ": the file has "
            + (count == 0 ? "no" : count + " lines") + " " + marker + (count == 0 ? " line" : "")
            + "; open WHM > Exim Configuration Manager > Advanced Editor and Save once, so that"
            + " cPanel writes every section marker");
      }
    }
    StringBuilder out = new StringBuilder();
    boolean inBlock = false;
    for (String line : lines) {
      if (inBlock) {
        inBlock = !line.equals(end);
        continue;
      }
      if (line.startsWith(begin + " (") || line.equals(begin)) {
        inBlock = true;
        continue;
      }
      out.append(line).append('\n');
      String text = wanted.get(line);
      if (text != null) {
        out.append(begin).append(" (managed by sesame render; edits inside are replaced)\n")
            .append(text).append(end).append('\n');
      }
    }
    if (inBlock) {
      throw new RenderException(RenderException.Reason.TEMPLATE, where + ": a '" + begin
          + "' line has no matching '" + end + "' line; fix the file by hand");
    }
    if (!file.isEmpty() && !file.endsWith("\n") && out.length() > 0
        && !wanted.containsKey(lines.get(lines.size() - 1))) {
      out.setLength(out.length() - 1); // the file's last line had no newline: keep it so
    }
    return out.toString();
  }

  /**
   * RENDERED's sections, marker -> text (ending in a newline). Lines before the first marker may
   * only be comments or blank (the template's header), and stay out of the file.
   */
  static Map<String, String> sections(String rendered, String where) throws RenderException {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : rendered.lines().toList()) {
      if (MARKER.matcher(line).matches()) {
        if (sections.containsKey(line)) {
          throw new RenderException(RenderException.Reason.TEMPLATE,
              where + ": section " + line + " appears twice");
        }
        current = new ArrayList<>();
        sections.put(line, current);
      } else if (current != null) {
        current.add(line);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        throw new RenderException(RenderException.Reason.TEMPLATE, where
            + ": text before the first @SECTION@ line (only comments may come first)");
      }
    }
    if (sections.isEmpty()) {
      throw new RenderException(RenderException.Reason.TEMPLATE,
          where + ": no @SECTION@ line (e.g. @AUTH@, @TRANSPORTSTART@)");
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> s : sections.entrySet()) {
      List<String> body = new ArrayList<>(s.getValue());
      while (!body.isEmpty() && body.get(body.size() - 1).isBlank()) {
        body.remove(body.size() - 1);
      }
      StringBuilder text = new StringBuilder();
      body.forEach(l -> text.append(l).append('\n'));
      texts.put(s.getKey(), text.toString());
    }
    return texts;
  }
}
