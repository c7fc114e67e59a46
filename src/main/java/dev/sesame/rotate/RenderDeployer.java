package dev.sesame.rotate;

import dev.sesame.render.EntryStoreFieldSource;
import dev.sesame.render.FieldSource;
import dev.sesame.render.RenderException;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.vault.EntryStore;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * Deploys through the renderer: every target of the set is rendered with the candidate as the
 * rotated entry's value and every other entry at its current version, as one all-or-nothing set.
 * Targets that do not use the entry render unchanged and so cost nothing.
 */
public final class RenderDeployer {
  private RenderDeployer() {}

  /**
   * Deploy for an entry of STORE (the vault file or the shared store) whose rotator host renders
   * targets itself: the rotated entry takes the candidate's values, every other entry its current
   * version as STORE reads it at deploy time. Hosts that pull from a store need none.
   */
  public static Deployer over(EntryStore store, List<Target> targets, Renderer renderer, PrintStream progress) {
    return (entry, candidate) -> {
      FieldSource others = new EntryStoreFieldSource(store);
      FieldSource fields = (name, field) -> name.equals(entry)
          ? Optional.ofNullable(candidate.allFields().get(field)) : others.field(name, field);
      try {
        render(renderer, targets, fields, progress);
      } catch (EntryStoreFieldSource.Unreadable e) {
        throw new RotationException(Kind.DEPLOY, "deploy: " + e.getMessage(), e);
      }
    };
  }

  /**
   * Renders TARGETS from FIELDS as one all-or-nothing set (the renderer restores every target
   * on failure), turning the renderer's failures into the rotation's: CHECK when the new config
   * was rejected, RESTORED when a restart or health check failed and every target was put back,
   * DEPLOY otherwise. Shared with the store's deployer, whose values come from
   * Secrets Manager instead of the vault.
   */
  public static void render(Renderer renderer, List<Target> targets, FieldSource fields, PrintStream progress)
      throws RotationException {
    try {
      renderer.apply(targets, fields, false, progress);
    } catch (RenderException e) {
      Kind kind = switch (e.reason()) {
        case CHECK_FAILED -> Kind.CHECK;
        case RESTART_FAILED, HEALTH_FAILED -> Kind.RESTORED;
        default -> Kind.DEPLOY;
      };
      throw new RotationException(kind, "deploy: " + e.getMessage(), e);
    }
  }
}
