package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sesame.testing.MapFieldSource;
import dev.sesame.testing.TrickyPasswords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each quoted format read back by its real reader gives the exact value. */
class RealReadersTest {
  @TempDir Path dir;

  private List<String> passwords() {
    List<String> all = new ArrayList<>(TrickyPasswords.EACH);
    all.add("multi\nline");
    return all;
  }

  private String render(Path template, Format format, String password) throws Exception {
    return new Renderer().renderToString(Target.of("ses", template, dir.resolve("o"), format),
        MapFieldSource.ses("ses", "email-smtp.eu-west-1.amazonaws.com", 587, "AKIA", password));
  }

  private static String run(Path script, String shell) throws Exception {
    Process p = new ProcessBuilder(shell, "-c", ". \"$1\"; printf '%s' \"$SMTP_PASSWORD\"",
        "reader", script.toString()).redirectErrorStream(false).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return out;
  }

  @Test
  void shellTemplateSourcedBySh() throws Exception {
    for (String pw : passwords()) {
      Path f = dir.resolve("smtp.sh");
      Files.writeString(f, render(Path.of("templates/env/sesame.sh"), Format.SHELL, pw));
      assertThat(run(f, "/bin/sh")).isEqualTo(pw);
      assertThat(run(f, "/bin/bash")).isEqualTo(pw);
    }
  }

  @Test
  void envTemplateSourcedBySh() throws Exception {
    for (String pw : TrickyPasswords.EACH) {
      Path f = dir.resolve("smtp.env");
      Files.writeString(f, render(Path.of("templates/env/sesame.env"), Format.ENV, pw));
      assertThat(run(f, "/bin/sh")).as(pw).isEqualTo(pw);
    }
  }

  @Test
  void jsonParsesToTheExactValue() throws Exception {
    Path t = dir.resolve("t.json");
    Files.writeString(t, "{\"password\": ${smtp_password}, \"port\": ${smtp_port}}\n");
    for (String pw : passwords()) {
      String json = render(t, Format.JSON, pw);
      try (JsonParser p = new JsonFactory().createParser(json)) {
        String value = null;
        while (p.nextToken() != null) {
          if (p.currentToken() == JsonToken.VALUE_STRING && "password".equals(p.currentName())) {
            value = p.getText();
          }
        }
        assertThat(value).isEqualTo(pw);
      }
    }
  }

  @Test
  void placeholderInsideAValueStaysLiteralInEveryQuotedFormat() throws Exception {
    for (Map.Entry<Format, String> e : Map.of(Format.PHP, "'${x}'", Format.SHELL, "'${x}'",
        Format.JSON, "\"${x}\"", Format.ENV, "\"\\${x}\"").entrySet()) {
      Path t = dir.resolve("t");
      Files.writeString(t, "${smtp_password}");
      assertThat(render(t, e.getKey(), "${x}")).isEqualTo(e.getValue());
    }
  }
}
