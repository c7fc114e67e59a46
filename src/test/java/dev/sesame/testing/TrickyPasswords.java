package dev.sesame.testing;

import java.util.List;

/** Passwords that break naive escaping: every character design.md section 5 names, and more. */
public final class TrickyPasswords {
  /** All the hard characters in one password: / + = \ $ ' " : # ^, a space, non-ASCII, ${x}. */
  public static final String ALL = "Ab/+=\\$'\":#^ üx€${x}$${y}%s{}`;!z";

  public static final List<String> EACH = List.of(
      "plain/base64+like=", "back\\slash\\", "dollar$HOME$", "quote'single", "quote\"double",
      "colon:in:middle", "hash#mark", "caret^^", "with space", "nonascii-üß€", "${x}",
      "$${smtp_password}", "`uname`", "semi;colon", "brace{}", ALL);

  private TrickyPasswords() {}
}
