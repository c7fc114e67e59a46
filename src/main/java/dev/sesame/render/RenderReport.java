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
   * @param maskedPreview for WOULD_CHANGE, the rendered content with secrets masked
   */
  public record Outcome(Target target, Path out, Status status, Optional<String> maskedPreview) {}

  public RenderReport {
    targets = List.copyOf(targets);
    restartsRun = List.copyOf(restartsRun);
    healthChecksRun = List.copyOf(healthChecksRun);
  }

  public boolean anyChanged() {
    return targets.stream().anyMatch(o -> o.status() != Status.UNCHANGED);
  }
}
