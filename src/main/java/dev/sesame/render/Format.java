package dev.sesame.render;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How values are made safe for a target; see docs/rendering.md for each format's rules. */
public enum Format {
  PHP("php", new PhpEscaper()),
  SHELL("shell", new ShellEscaper()),
  JSON("json", new JsonEscaper()),
  EXIM_PASSWD("exim-passwd", new EximPasswdEscaper()),
  POSTFIX("postfix", new PostfixEscaper()),
  EXIM("exim", new EximEscaper()),
  RAW("raw", new RawEscaper()),
  /** Env file read alike by sh and systemd EnvironmentFile=; see {@link EnvEscaper}. */
  ENV("env", new EnvEscaper());

  private final String cliName;
  private final Escaper escaper;

  Format(String cliName, Escaper escaper) {
    this.cliName = cliName;
    this.escaper = escaper;
  }

  /** The name used on the command line and in targets files, e.g. {@code exim-passwd}. */
  public String cliName() {
    return cliName;
  }

  public Escaper escaper() {
    return escaper;
  }

  /** The format whose CLI name is NAME (case-insensitive). */
  public static Format parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Format f : values()) {
      if (f.cliName.equals(wanted)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format: expected one of "
        + Arrays.stream(values()).map(Format::cliName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
