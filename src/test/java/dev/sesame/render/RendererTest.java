package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.files.AtomicReplace;
import dev.sesame.testing.MapFieldSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
  private static final String SECRET = "s3cr3t/+=:'\"$x";
  @TempDir Path dir;
  private MapFieldSource fields;
  private Path template;
  private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void setUp() throws Exception {
    fields = MapFieldSource.ses("ses", "smtp.example", 587, "AKIA1", SECRET);
    template = dir.resolve("tpl");
    Files.writeString(template, "user=${smtp_username}\npass=${smtp_password}\n");
  }

  private Target target(String name) {
    return Target.of("ses", template, dir.resolve(name), Format.SHELL);
  }

  private RenderReport apply(Target... targets) throws RenderException {
    return new Renderer().apply(List.of(targets), fields, false, progress);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private List<Path> leftovers() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(AtomicReplace.CANDIDATE_SUFFIX)).toList();
    }
  }

  @Test
  void newFileGetsOwnerOnlyModeByDefault() throws Exception {
    RenderReport r = apply(target("out"));
    assertThat(mode(dir.resolve("out"))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("out"))).contains("pass='s3cr3t/+=:'\\''\"$x'");
    assertThat(r.targets().get(0).status()).isEqualTo(RenderReport.Status.CHANGED);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void candidateStaysOwnerOnlyWhileTheCheckSeesItAndTheTargetGetsTheRequestedMode() throws Exception {
    // A candidate is 0600 until the instant before its rename, so one a crash leaves is 0600.
    Target t = target("out").withMode(0640)
        .withCommands("test \"$(stat -c %a {})\" = 600 && grep -q AKIA1 {}", null, null);
    apply(t);
    assertThat(mode(dir.resolve("out"))).isEqualTo("rw-r-----");
  }

  @Test
  void existingModeOwnerAndGroupAreKept() throws Exception {
    Path out = dir.resolve("passwd.client");
    Files.writeString(out, "old\n");
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
    String group = Files.readAttributes(out, PosixFileAttributes.class).group().getName();
    apply(target("passwd.client"));
    PosixFileAttributes a = Files.readAttributes(out, PosixFileAttributes.class);
    assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-r-----");
    assertThat(a.group().getName()).isEqualTo(group);
    assertThat(Files.readString(out)).contains("AKIA1");
  }

  @Test
  void previousContentIsKeptOnceAsBakWithItsMode() throws Exception {
    Path out = dir.resolve("out");
    Files.writeString(out, "first\n");
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
    apply(target("out"));
    fields.put("ses", "smtp_username", "AKIA2");
    apply(target("out"));
    Path bak = Renderer.backupOf(out);
    assertThat(Files.readString(bak)).contains("AKIA1");
    assertThat(mode(bak)).isEqualTo("rw-r-----");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.filter(p -> p.toString().contains(".bak")).count()).isEqualTo(1);
    }
  }

  @Test
  void unchangedContentIsNotWrittenAndRestartsNothing() throws Exception {
    Path marker = dir.resolve("restarted");
    Target t = target("out").withCommands(null, "echo x >> '" + marker + "'", null);
    apply(t);
    Object inode = Files.getAttribute(dir.resolve("out"), "unix:ino");
    RenderReport second = apply(t);
    assertThat(second.targets().get(0).status()).isEqualTo(RenderReport.Status.UNCHANGED);
    assertThat(second.restartsRun()).isEmpty();
    assertThat(Files.getAttribute(dir.resolve("out"), "unix:ino")).isEqualTo(inode);
    assertThat(Files.readAllLines(marker)).hasSize(1);
  }

  @Test
  void symlinkAtTargetIsRefusedUnlessFollowed() throws Exception {
    Path real = dir.resolve("real");
    Files.writeString(real, "old");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    assertThatThrownBy(() -> apply(target("link")))
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.SYMLINK_REFUSED);
    assertThat(Files.readString(real)).isEqualTo("old");
    apply(target("link").withFollowSymlinks(true));
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).contains("AKIA1");
  }

  @Test
  void rejectedCheckChangesNothingInTheWholeSet() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Files.writeString(a, "old-a");
    Files.writeString(b, "old-b");
    assertThatThrownBy(() -> apply(target("a").withCommands("true", null, null),
        target("b").withCommands("false", null, null)))
        .hasMessageContaining(b.toString())
        .hasMessageNotContaining(SECRET)
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.CHECK_FAILED);
    assertThat(Files.readString(a)).isEqualTo("old-a");
    assertThat(Files.readString(b)).isEqualTo("old-b");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void checkGetsThePathAsAnArgumentEvenWithShellCharactersInIt() throws Exception {
    Path odd = Files.createDirectory(dir.resolve("we'ird $(dir) \"x\""));
    Path seen = dir.resolve("seen");
    Target t = new Target("ses", template, odd.resolve("out"), Format.SHELL,
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
        java.util.Optional.of("cat {} > '" + seen + "'"), java.util.Optional.empty(),
        java.util.Optional.empty(), false);
    apply(t);
    assertThat(Files.readString(seen)).isEqualTo(Files.readString(odd.resolve("out")));
  }

  @Test
  void failingRestartRestoresEveryFileAndRestartsAgain() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Files.writeString(a, "old-a");
    Path counter = dir.resolve("restarts");
    Target ta = target("a").withCommands(null, "echo a >> '" + counter + "'", null);
    Target tb = target("b").withCommands(null, "echo b >> '" + counter + "'; exit 3", null);
    assertThatThrownBy(() -> apply(ta, tb))
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.RESTART_FAILED);
    assertThat(Files.readString(a)).isEqualTo("old-a");
    assertThat(b).doesNotExist();
    assertThat(Files.readAllLines(counter)).containsExactly("a", "b", "a", "b");
  }

  @Test
  void failingHealthCheckRestoresFiles() throws Exception {
    Path a = dir.resolve("a");
    Files.writeString(a, "old-a");
    assertThatThrownBy(() -> apply(target("a").withCommands(null, "true", "false")))
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.HEALTH_FAILED);
    assertThat(Files.readString(a)).isEqualTo("old-a");
  }

  @Test
  void sharedRestartRunsOnce() throws Exception {
    Path counter = dir.resolve("restarts");
    String restart = "echo r >> '" + counter + "'";
    RenderReport r = apply(target("a").withCommands(null, restart, null),
        target("b").withCommands(null, restart, null));
    assertThat(r.restartsRun()).containsExactly(restart);
    assertThat(Files.readAllLines(counter)).containsExactly("r");
  }

  @Test
  void commandsGetACleanEnvironmentWithoutSecrets() throws Exception {
    Path envDump = dir.resolve("env");
    apply(target("a").withCommands(null, "env > '" + envDump + "'", null));
    String env = Files.readString(envDump);
    assertThat(env).doesNotContain(SECRET).doesNotContain("SESAME").doesNotContain("HOME=");
    assertThat(env).contains("PATH=/usr/local/sbin");
  }

  @Test
  void dryRunWritesNothingAndMasksSecrets() throws Exception {
    RenderReport r = new Renderer().apply(List.of(target("out")), fields, true, progress);
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(r.targets().get(0).status()).isEqualTo(RenderReport.Status.WOULD_CHANGE);
    assertThat(r.targets().get(0).maskedDiff().orElseThrow()).contains("'********'");
    assertThat(progressBytes.toString(StandardCharsets.UTF_8)).doesNotContain("s3cr3t")
        .contains("would change");
  }

  @Test
  void twoTargetsForOneFileAreRefused() {
    assertThatThrownBy(() -> apply(target("a"), target("a")))
        .hasMessageContaining("same file");
  }

  @Test
  void unsafeValueWritesNothing() throws Exception {
    fields.put("ses", "smtp_password", "line\nbreak");
    Target t = Target.of("ses", template, dir.resolve("out"), Format.EXIM_PASSWD);
    assertThatThrownBy(() -> apply(t))
        .hasMessageNotContaining("line\nbreak")
        .extracting(e -> ((RenderException) e).reason())
        .isEqualTo(RenderException.Reason.UNSAFE_VALUE);
    assertThat(dir.resolve("out")).doesNotExist();
  }
}
