package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EscaperTest {
  private static String esc(Format f, String field, String value) throws RenderException {
    return f.escaper().escape("ses", field, value);
  }

  @Test
  void phpEscapesOnlyBackslashAndQuote() throws Exception {
    assertThat(esc(Format.PHP, "smtp_password", "a\\b'c$d\"")).isEqualTo("'a\\\\b\\'c$d\"'");
  }

  @Test
  void shellWritesQuoteAsCloseEscapeOpen() throws Exception {
    assertThat(esc(Format.SHELL, "smtp_password", "it's $x")).isEqualTo("'it'\\''s $x'");
  }

  @Test
  void envEscapesTheFourCharactersShAndSystemdShare() throws Exception {
    assertThat(esc(Format.ENV, "smtp_password", "a\\b\"c$d`e'f"))
        .isEqualTo("\"a\\\\b\\\"c\\$d\\`e'f\"");
  }

  @Test
  void jsonQuotesAndEscapes() throws Exception {
    assertThat(esc(Format.JSON, "smtp_password", "a\"b\\c\nü")).isEqualTo("\"a\\\"b\\\\c\\nü\"");
  }

  @Test
  void eximEscapesForQuotedExpandedOption() throws Exception {
    assertThat(esc(Format.EXIM, "smtp_password", "a$b\\c\"d{e}"))
        .isEqualTo("a\\\\$b\\\\\\\\c\\\"d\\\\{e\\\\}");
  }

  @Test
  void everyFormatRefusesNul() {
    for (Format f : Format.values()) {
      assertThatThrownBy(() -> esc(f, "smtp_password", "a\0b"))
          .isInstanceOf(RenderException.class)
          .hasMessageContaining("smtp_password").hasMessageContaining("ses")
          .satisfies(e -> assertThat(((RenderException) e).reason())
              .isEqualTo(RenderException.Reason.UNSAFE_VALUE));
    }
  }

  @Test
  void lineFormatsRefuseLineBreaksAndNeverEchoTheValue() {
    for (Format f : new Format[] {Format.EXIM_PASSWD, Format.POSTFIX, Format.EXIM, Format.RAW,
        Format.ENV}) {
      assertThatThrownBy(() -> esc(f, "smtp_password", "secret-part\nsecond"))
          .isInstanceOf(RenderException.class)
          .hasMessageNotContaining("secret-part")
          .hasMessageContaining("line break");
    }
  }

  @Test
  void lineFormatsKeepColonsInThePasswordOnly() throws Exception {
    for (Format f : new Format[] {Format.EXIM_PASSWD, Format.POSTFIX}) {
      assertThat(esc(f, "smtp_password", "a:b:c")).isEqualTo("a:b:c");
      assertThatThrownBy(() -> esc(f, "smtp_username", "user:x"))
          .hasMessageContaining("colon").hasMessageContaining("smtp_username");
      assertThatThrownBy(() -> esc(f, "smtp_host", "host name")).hasMessageContaining("white");
    }
  }

  @Test
  void lineFormatsRefuseWhiteSpaceAroundThePassword() {
    assertThatThrownBy(() -> esc(Format.EXIM_PASSWD, "smtp_password", "trailing "))
        .hasMessageContaining("leading or trailing white space");
    assertThatThrownBy(() -> esc(Format.POSTFIX, "smtp_password", " leading"))
        .hasMessageContaining("leading or trailing white space");
  }

  @Test
  void parseAcceptsCliNames() {
    assertThat(Format.parse("exim-passwd")).isEqualTo(Format.EXIM_PASSWD);
    assertThat(Format.parse("PHP")).isEqualTo(Format.PHP);
    assertThat(Format.parse("env")).isEqualTo(Format.ENV);
    assertThatThrownBy(() -> Format.parse("yaml")).hasMessageContaining("exim-passwd");
  }
}
