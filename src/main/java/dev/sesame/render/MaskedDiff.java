package dev.sesame.render;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.ChangeDelta;
import com.github.difflib.patch.Chunk;
import com.github.difflib.patch.DeleteDelta;
import com.github.difflib.patch.InsertDelta;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff (as `diff -u` prints it) from a target's current file to what a render would
 * write, with no secret in it. The diff is computed on the real lines, then each line is shown
 * masked:
 * <ul>
 *   <li>new and unchanged lines come from the masked rendering (secret fields as {@link TemplateFields#MASK});
 *   <li>a removed line that a new line holding a secret replaces shows only what it shares with
 *       that line at both ends, the middle masked: the old password is not known to be anything
 *       but "what differs" ({@code host:user:OLD} -> {@code host:user:********});
 *   <li>every removed line also has each secret the renderer knows masked.
 * </ul>
 */
final class MaskedDiff {
  static final int CONTEXT_LINES = 3;

  private MaskedDiff() {}

  /**
   * The diff from OLD_TEXT (empty when the file does not exist) to NEW_REAL, shown with the lines
   * of NEW_MASKED (NEW_REAL with secrets masked) and MASK; empty when nothing differs.
   */
  static List<String> unified(String oldName, String newName, String oldText, String newReal, String newMasked,
      SecretMask mask) {
    List<String> oldLines = oldText.lines().toList();
    List<String> realLines = newReal.lines().toList();
    List<String> maskedLines = newMasked.lines().toList();
    if (maskedLines.size() != realLines.size()) {
      // A secret with a line break in it (possible only in quoted formats): fall back to masking by value.
      maskedLines = mask.apply(realLines);
    }
    Patch<String> real = DiffUtils.diff(oldLines, realLines);
    if (real.getDeltas().isEmpty()) {
      return List.of();
    }
    List<String> shownOld = new ArrayList<>(mask.apply(oldLines));
    Patch<String> shown = new Patch<>();
    int oldIndex = 0;
    int newIndex = 0;
    for (AbstractDelta<String> delta : real.getDeltas()) {
      // Lines before this delta are unchanged: show them as the masked rendering has them.
      for (; oldIndex < delta.getSource().getPosition(); oldIndex++, newIndex++) {
        shownOld.set(oldIndex, maskedLines.get(newIndex));
      }
      Chunk<String> source = delta.getSource();
      Chunk<String> target = delta.getTarget();
      List<String> removed = new ArrayList<>();
      for (int k = 0; k < source.size(); k++) {
        String old = shownOld.get(source.getPosition() + k);
        if (k < target.size()) {
          int j = target.getPosition() + k;
          if (!maskedLines.get(j).equals(realLines.get(j))) {
            old = keepCommonEnds(old, maskedLines.get(j));
          }
        }
        removed.add(old);
        shownOld.set(source.getPosition() + k, old);
      }
      List<String> added = maskedLines.subList(target.getPosition(), target.getPosition() + target.size());
      Chunk<String> shownSource = new Chunk<>(source.getPosition(), removed);
      Chunk<String> shownTarget = new Chunk<>(target.getPosition(), List.copyOf(added));
      shown.addDelta(switch (delta.getType()) {
        case DELETE -> new DeleteDelta<>(shownSource, shownTarget);
        case INSERT -> new InsertDelta<>(shownSource, shownTarget);
        default -> new ChangeDelta<>(shownSource, shownTarget);
      });
      oldIndex = source.getPosition() + source.size();
      newIndex = target.getPosition() + target.size();
    }
    for (; oldIndex < shownOld.size() && newIndex < maskedLines.size(); oldIndex++, newIndex++) {
      shownOld.set(oldIndex, maskedLines.get(newIndex));
    }
    return UnifiedDiffUtils.generateUnifiedDiff(oldName, newName, shownOld, shown, CONTEXT_LINES);
  }

  /** OLD with everything between its common prefix and suffix with MASKED_NEW replaced by the mask. */
  static String keepCommonEnds(String old, String maskedNew) {
    int prefix = 0;
    int limit = Math.min(old.length(), maskedNew.length());
    while (prefix < limit && old.charAt(prefix) == maskedNew.charAt(prefix)) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < limit - prefix
        && old.charAt(old.length() - 1 - suffix) == maskedNew.charAt(maskedNew.length() - 1 - suffix)) {
      suffix++;
    }
    if (prefix + suffix >= old.length()) {
      return old; // Nothing of OLD lies between the shared ends: no old value to hide.
    }
    return old.substring(0, prefix) + TemplateFields.MASK + old.substring(old.length() - suffix);
  }
}
