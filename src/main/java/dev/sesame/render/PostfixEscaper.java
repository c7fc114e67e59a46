package dev.sesame.render;

/**
 * A column of Postfix's {@code sasl_passwd} ({@code [host]:port login:password}), inserted as it is
 * after refusing what the table reader cannot carry (see {@link LineRules}). Postfix splits the
 * value at the first colon into user name and password (SASL_README, "Enabling SASL authentication
 * in the Postfix SMTP client"), so the password may hold colons.
 */
public final class PostfixEscaper implements Escaper {
  @Override
  public String escape(String entry, String field, String value) throws RenderException {
    LineRules.check("postfix", entry, field, value);
    return value;
  }
}
