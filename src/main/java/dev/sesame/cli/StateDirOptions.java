package dev.sesame.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** `--state-dir` for rotate, revoke and status: this host's journals, render lock and, for a store, rotation locks. */
final class StateDirOptions {
  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:SESAME_STATE_DIR}",
      description = {"Where this host keeps its render-set journals and render lock and, with --store, the",
          "rotator's entry locks and audit log (default: $SESAME_STATE_DIR, else /var/lib/sesame as root,",
          "else ~/.local/state/sesame)."})
  Path stateDir;

  /** --state-dir, else $SESAME_STATE_DIR, else /var/lib/sesame as root, else ~/.local/state/sesame. */
  Path stateDirectory() {
    return stateDirectory(stateDir);
  }

  /** GIVEN (the option or $SESAME_STATE_DIR), else /var/lib/sesame as root, else ~/.local/state/sesame. */
  static Path stateDirectory(Path given) {
    if (given != null && !given.toString().isEmpty()) {
      return given;
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/sesame");
    }
    return Path.of(System.getProperty("user.home"), ".local", "state", "sesame");
  }
}
