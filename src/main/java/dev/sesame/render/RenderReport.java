package dev.sesame.render;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Renderer#apply} did, for the CLI to print.
 *
 * @param targets one outcome per target, in the order given
 * @param restartsRun the distinct restart commands run, in order
 * @param healthChecksRun the distinct health commands run, in order
 */
public record RenderReport(List<Outcome> targets, List<String> restartsRun,
    List<String> healthChecksRun, boolean dryRun) {

  public enum Status { CHANGED, UNCHANGED, WOULD_CHANGE }

  /**
   * @param out the file written (the link's target when a symlink was followed)
   * @param maskedDiff for WOULD_CHANGE, the unified diff from the file to what would be written,
   *     secrets masked (preceded by "old mode"/"new mode" lines when the mode or owner changes)
   */
  public record Outcome(Target target, Path out, Status status, Optional<String> maskedDiff) {}

  public RenderReport {
    targets = List.copyOf(targets);
    restartsRun = List.copyOf(restartsRun);
    healthChecksRun = List.copyOf(healthChecksRun);
  }

  public boolean anyChanged() {
    return targets.stream().anyMatch(o -> o.status() != Status.UNCHANGED);
  }
}
