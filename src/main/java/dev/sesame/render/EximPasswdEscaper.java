package dev.sesame.render;

/**
 * A column of Debian exim4's {@code passwd.client} ({@code host:login:password}, exim4_passwd_client(5)),
 * inserted as it is after refusing what the lsearch reader cannot carry (see {@link LineRules}). The
 * password keeps colons, quotes, backslashes, {@code $} and {@code ^}: the colon-safe authenticator
 * in templates/debian-exim4 takes everything after the login's colon, and Debian's PASSWDLINE macro
 * doubles {@code ^} before the plaintext authenticator reads it.
 */
public final class EximPasswdEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    LineRules.check("exim-passwd", entry, field, value);
    return value;
  }
}
