package dev.sesame.render;

/**
 * A POSIX single-quoted word, quotes included: inside single quotes nothing is special except the
 * closing quote (POSIX Shell Command Language 2.2.2), so a quote is written as {@code '\''}. For
 * files sourced by sh/bash; systemd's EnvironmentFile= does not read {@code '\''} this way, use
 * {@link EnvEscaper} there.
 */
public final class ShellEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    Escaper.refuseControl("shell", entry, field, value, false);
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
