package dev.sesame.render;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One file to render: ENTRY's fields through TEMPLATE, escaped for FORMAT, into OUT.
 *
 * @param mode permission bits (e.g. 0640) for OUT; empty keeps the existing file's, or 0600 for a
 *     new file
 * @param owner user name for OUT; empty keeps the existing file's (or the process's for a new one)
 * @param group group name for OUT; empty keeps the existing file's
 * @param check shell command run on the candidate before the swap; {@code {}} stands for its path
 * @param restart shell command run once after the set is swapped, when this target changed
 * @param health shell command run after the restarts; failure rolls the set back
 * @param followSymlinks write through a symbolic link at OUT instead of refusing it
 * @param kind what the rendered text becomes: the whole of OUT, or Sesame's blocks inside it
 */
public record Target(String entry, Path template, Path out, Format format, Optional<Integer> mode,
    Optional<String> owner, Optional<String> group, Optional<String> check,
    Optional<String> restart, Optional<String> health, boolean followSymlinks, Kind kind) {

  /** How a rendered template lands in OUT. */
  public enum Kind {
    /** The rendered text is the whole file. */
    FILE("file"),
    /**
     * cPanel's /etc/exim.conf.local: the template lists sections ({@code @AUTH@} ...), and each
     * becomes one marked Sesame block in that section of OUT, the rest of OUT kept as it is.
     */
    CPANEL_EXIM_LOCAL("cpanel-exim-local");

    private final String tomlName;

    Kind(String tomlName) {
      this.tomlName = tomlName;
    }

    public String tomlName() {
      return tomlName;
    }

    /** The kind named NAME in a targets file; empty when there is none. */
    public static Optional<Kind> named(String name) {
      for (Kind k : values()) {
        if (k.tomlName.equals(name)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** A whole-file target (the kind every target had before blocks existed). */
  public Target(String entry, Path template, Path out, Format format, Optional<Integer> mode,
      Optional<String> owner, Optional<String> group, Optional<String> check,
      Optional<String> restart, Optional<String> health, boolean followSymlinks) {
    this(entry, template, out, format, mode, owner, group, check, restart, health, followSymlinks,
        Kind.FILE);
  }

  public Target {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(format, "format");
    mode = Objects.requireNonNullElse(mode, Optional.empty());
    owner = Objects.requireNonNullElse(owner, Optional.empty());
    group = Objects.requireNonNullElse(group, Optional.empty());
    check = Objects.requireNonNullElse(check, Optional.empty());
    restart = Objects.requireNonNullElse(restart, Optional.empty());
    health = Objects.requireNonNullElse(health, Optional.empty());
    kind = Objects.requireNonNullElse(kind, Kind.FILE);
    if (entry.isBlank()) {
      throw new IllegalArgumentException("target entry name is empty");
    }
    mode.ifPresent(m -> {
      if (m < 0 || m > 0777) {
        throw new IllegalArgumentException("mode " + Integer.toOctalString(m) + " is not within 0..0777");
      }
    });
  }

  /** A target with no mode, owner, group or commands: the common case in tests and `--stdout`. */
  public static Target of(String entry, Path template, Path out, Format format) {
    return new Target(entry, template, out, format, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }

  public Target withMode(int newMode) {
    return new Target(entry, template, out, format, Optional.of(newMode), owner, group, check,
        restart, health, followSymlinks, kind);
  }

  public Target withOwnership(String newOwner, String newGroup) {
    return new Target(entry, template, out, format, mode, Optional.ofNullable(newOwner),
        Optional.ofNullable(newGroup), check, restart, health, followSymlinks, kind);
  }

  public Target withCommands(String newCheck, String newRestart, String newHealth) {
    return new Target(entry, template, out, format, mode, owner, group,
        Optional.ofNullable(newCheck), Optional.ofNullable(newRestart),
        Optional.ofNullable(newHealth), followSymlinks, kind);
  }

  public Target withFollowSymlinks(boolean follow) {
    return new Target(entry, template, out, format, mode, owner, group, check, restart, health,
        follow, kind);
  }

  public Target withKind(Kind newKind) {
    return new Target(entry, template, out, format, mode, owner, group, check, restart, health,
        followSymlinks, newKind);
  }
}
