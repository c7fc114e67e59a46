package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.MapFieldSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateTest {
  @TempDir Path dir;
  private final MapFieldSource fields =
      MapFieldSource.ses("ses", "email-smtp.eu-west-1.amazonaws.com", 587, "AKIAEXAMPLE",
          "pw${smtp_host}$x").put("other", "smtp_username", "OTHERUSER");

  private String render(String template, Format format) throws Exception {
    Path t = dir.resolve("t");
    Files.writeString(t, template, StandardCharsets.UTF_8);
    return new Renderer().renderToString(Target.of("ses", t, dir.resolve("out"), format), fields);
  }

  @Test
  void fillsOwnAndOtherEntryFields() throws Exception {
    assertThat(render("${smtp_host}:${smtp_username}:${other.smtp_username}", Format.RAW))
        .isEqualTo("email-smtp.eu-west-1.amazonaws.com:AKIAEXAMPLE:OTHERUSER");
  }

  @Test
  void valuesAreNeverSubstitutedAgain() throws Exception {
    assertThat(render("${smtp_password}", Format.RAW)).isEqualTo("pw${smtp_host}$x");
  }

  @Test
  void doubledDollarWritesALiteralPlaceholder() throws Exception {
    assertThat(render("$${lookup{$host}} $$x ${smtp_port}", Format.RAW))
        .isEqualTo("${lookup{$host}} $$x 587");
  }

  @Test
  void everyLineIsFilledAndLineEndsAreKept() throws Exception {
    assertThat(render("a ${smtp_port}\r\n\n$${x} ${smtp_port}$\n${smtp_port}", Format.RAW))
        .isEqualTo("a 587\r\n\n${x} 587$\n587");
  }

  @Test
  void defaultValueSyntaxIsNotHonoured() {
    assertThatThrownBy(() -> render("${region_x:-fallback}", Format.RAW))
        .isInstanceOf(RenderException.class)
        .extracting(e -> ((RenderException) e).reason()).isEqualTo(RenderException.Reason.TEMPLATE);
  }

  @Test
  void unknownFieldIsATemplateError() {
    assertThatThrownBy(() -> render("${passwd}", Format.RAW))
        .hasMessageContaining("${passwd}")
        .extracting(e -> ((RenderException) e).reason()).isEqualTo(RenderException.Reason.TEMPLATE);
  }

  @Test
  void missingEntryOrFieldIsNotFound() {
    assertThatThrownBy(() -> render("${nope.smtp_password}", Format.RAW))
        .hasMessageContaining("'nope'")
        .extracting(e -> ((RenderException) e).reason()).isEqualTo(RenderException.Reason.NOT_FOUND);
    assertThatThrownBy(() -> render("${iam_user}", Format.RAW))
        .extracting(e -> ((RenderException) e).reason()).isEqualTo(RenderException.Reason.NOT_FOUND);
  }

  @Test
  void unclosedPlaceholderIsATemplateError() {
    assertThatThrownBy(() -> render("x ${smtp_host\n}", Format.RAW))
        .hasMessageContaining("line 1")
        .extracting(e -> ((RenderException) e).reason()).isEqualTo(RenderException.Reason.TEMPLATE);
  }

  @Test
  void smtpSecureIsDerivedFromThePort() throws Exception {
    assertThat(render("${smtp_secure}", Format.PHP)).isEqualTo("'tls'");
    fields.put("ses", "smtp_port", "465");
    assertThat(render("${smtp_secure}", Format.PHP)).isEqualTo("'ssl'");
  }

  @Test
  void eachValueIsEscapedForTheFormat() throws Exception {
    assertThat(render("$p = ${smtp_password};", Format.PHP)).isEqualTo("$p = 'pw${smtp_host}$x';");
  }

  @Test
  void maskedRenderHidesSecretsOnly() throws Exception {
    Path t = dir.resolve("t");
    Files.writeString(t, "${smtp_username} ${smtp_password}");
    String masked = new Renderer().renderMasked(Target.of("ses", t, dir.resolve("o"), Format.SHELL),
        fields);
    assertThat(masked).isEqualTo("'AKIAEXAMPLE' '********'");
  }
}
