package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block merge on its own: what stays, what moves, what is refused. */
class EximLocalBlocksTest {
  private static final String TEMPLATE = "### header\n@AUTH@\nauth text\n\n@TRANSPORTSTART@\nt text\n";

  @TempDir Path dir;

  @Test
  void blocksGoRightAfterTheirMarkersAndARerunIsIdentical() throws Exception {
    String file = "@AUTH@\nadmin_auth: x\n@CONFIG@\n@TRANSPORTSTART@\n";
    String once = EximLocalBlocks.merge(file, TEMPLATE, "ses", "f");
    assertThat(once).isEqualTo("""
        @AUTH@
        # BEGIN sesame ses (managed by sesame render; edits inside are replaced)
        auth text
        # END sesame ses
        admin_auth: x
        @CONFIG@
        @TRANSPORTSTART@
        # BEGIN sesame ses (managed by sesame render; edits inside are replaced)
        t text
        # END sesame ses
        """);
    assertThat(EximLocalBlocks.merge(once, TEMPLATE, "ses", "f")).isEqualTo(once);
  }

  @Test
  void aSectionDroppedFromTheTemplateLosesItsBlockAndOtherEntriesKeepTheirs() throws Exception {
    String file = EximLocalBlocks.merge("@AUTH@\n@TRANSPORTSTART@\n", TEMPLATE, "ses", "f");
    file = EximLocalBlocks.merge(file, "@AUTH@\nother\n", "other", "f");
    String after = EximLocalBlocks.merge(file, "@AUTH@\nauth text\n", "ses", "f");
    assertThat(after).doesNotContain("t text").contains("auth text").contains("# BEGIN sesame other")
        .contains("other\n# END sesame other\n");
  }

  @Test
  void aFileWithoutAFinalNewlineKeepsItsLastLineAsItWas() throws Exception {
    String file = "@AUTH@\n@TRANSPORTSTART@\n@ROUTEREND@\nlast_line = 1";
    String after = EximLocalBlocks.merge(file, TEMPLATE, "ses", "f");
    assertThat(after).endsWith("@ROUTEREND@\nlast_line = 1");
  }

  @Test
  void bytesThatAreNotUtf8SurviveARenderUntouched() throws Exception {
    Path local = dir.resolve("exim.conf.local");
    byte[] latin1 = "@AUTH@\n# caf\u00e9 in Latin-1\n@TRANSPORTSTART@\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(local, latin1);
    Path template = dir.resolve("t");
    Files.writeString(template, TEMPLATE);
    new Renderer().apply(List.of(Target.of("ses", template, local, Format.EXIM)
        .withKind(Target.Kind.CPANEL_EXIM_LOCAL)), (e, f) -> java.util.Optional.empty(), false,
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    byte[] after = Files.readAllBytes(local);
    assertThat(new String(after, StandardCharsets.ISO_8859_1)).contains("# caf\u00e9 in Latin-1\n");
  }

  @Test
  void refusals() {
    assertThatThrownBy(() -> EximLocalBlocks.merge("@AUTH@\n", TEMPLATE, "ses", "f"))
        .hasMessageContaining("no @TRANSPORTSTART@ line");
    assertThatThrownBy(() -> EximLocalBlocks.merge("@AUTH@\n@AUTH@\n@TRANSPORTSTART@\n", TEMPLATE, "ses", "f"))
        .hasMessageContaining("2 lines @AUTH@");
    assertThatThrownBy(() -> EximLocalBlocks.merge("@AUTH@\n# BEGIN sesame ses (x)\n@TRANSPORTSTART@\n",
        TEMPLATE, "ses", "f")).hasMessageContaining("no matching");
    assertThatThrownBy(() -> EximLocalBlocks.merge("@AUTH@\n", "text first\n@AUTH@\n", "ses", "f"))
        .hasMessageContaining("before the first @SECTION@");
    assertThatThrownBy(() -> EximLocalBlocks.merge("@AUTH@\n", "# only comments\n", "ses", "f"))
        .hasMessageContaining("no @SECTION@ line");
  }
}
