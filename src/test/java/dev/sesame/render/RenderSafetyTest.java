package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.files.AtomicReplace;
import dev.sesame.testing.MapFieldSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a render safe around the file itself: folders other users could use, modes that
 * expose a secret, candidates a crash left, and the set journal's recovery paths.
 */
class RenderSafetyTest {
  private static final String SECRET = "s3cr3t-pw";

  @TempDir
  Path dir;
  private MapFieldSource fields;
  private Path template;
  private Path stateDir;
  private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void setUp() throws Exception {
    fields = MapFieldSource.ses("ses", "smtp.example", 587, "AKIA1", SECRET);
    template = dir.resolve("tpl");
    Files.writeString(template, "user=${smtp_username}\npass=${smtp_password}\n");
    stateDir = dir.resolve("state");
  }

  private Renderer renderer() {
    return new Renderer().withStateDir(stateDir);
  }

  private Target target(Path out) {
    return Target.of("ses", template, out, Format.SHELL);
  }

  private String progress() {
    return progressBytes.toString(StandardCharsets.UTF_8);
  }

  private Path folder(String name, String mode) throws Exception {
    Path folder = Files.createDirectory(dir.resolve(name));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(mode));
    return folder;
  }

  @Test
  void aFolderOthersCanWriteWithoutTheStickyBitIsRefused() throws Exception {
    Path open = folder("open", "rwxrwxrwx");
    Path out = open.resolve("passwd.client");

    assertThatThrownBy(() -> renderer().apply(List.of(target(out)), fields, false, progress))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("folder " + open + " is writable by others without the sticky bit (mode 0777)")
        .hasMessageContaining("--allow-insecure-folder")
        .extracting(e -> ((RenderException) e).reason()).isEqualTo(RenderException.Reason.INSECURE_FOLDER);
    assertThat(out).doesNotExist();
  }

  @Test
  void aStickyWorldWritableFolderLikeTmpIsAccepted() throws Exception {
    Path sticky = folder("sticky", "rwxrwxrwx");
    Files.setAttribute(sticky, "unix:mode", 01777);

    renderer().apply(List.of(target(sticky.resolve("out"))), fields, false, progress);

    assertThat(Files.readString(sticky.resolve("out"))).contains(SECRET);
  }

  @Test
  void aFolderOwnedByAnotherUserIsRefused() throws Exception {
    Path theirs = folder("theirs", "rwxr-xr-x");
    UserPrincipal nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(theirs, nobody);

    assertThatThrownBy(() -> renderer().apply(List.of(target(theirs.resolve("out"))), fields, false, progress))
        .hasMessageContaining("folder " + theirs + " is owned by uid ")
        .hasMessageContaining("neither root nor you");
  }

  @Test
  void theOverrideWritesIntoAnInsecureFolder() throws Exception {
    Path open = folder("open", "rwxrwxrwx");

    renderer().allowingInsecureFolders().apply(List.of(target(open.resolve("out"))), fields, false, progress);

    assertThat(Files.readString(open.resolve("out"))).contains(SECRET);
  }

  @Test
  void aSecretFileWritableByOthersIsWarnedAbout() throws Exception {
    renderer().apply(List.of(target(dir.resolve("out")).withMode(0666)), fields, false, progress);

    assertThat(progress()).contains("warning: " + dir.resolve("out") + " holds a secret and its mode rw-rw-rw- "
        + "lets group or others write it").doesNotContain(SECRET);
  }

  @Test
  void aWorldReadableSecretIsWarnedAboutButNotAFileWithoutSecrets() throws Exception {
    Path plain = dir.resolve("plain.tpl");
    Files.writeString(plain, "host=${smtp_host}\n");

    renderer().apply(List.of(target(dir.resolve("secret")).withMode(0644),
        Target.of("ses", plain, dir.resolve("plain"), Format.SHELL).withMode(0644),
        target(dir.resolve("private")).withMode(0640)), fields, false, progress);

    assertThat(progress()).contains("warning: " + dir.resolve("secret") + " holds a secret and its mode rw-r--r-- "
        + "lets every user read it").doesNotContain("warning: " + dir.resolve("plain"))
        .doesNotContain("warning: " + dir.resolve("private"));
  }

  @Test
  void candidatesACrashLeftBesideATargetAreSweptByItsNextRender() throws Exception {
    Path out = dir.resolve("out");
    Path candidate = dir.resolve(".out.0123456789ab.sesame-tmp");
    Path backupTemp = dir.resolve(".out.bak.ba9876543210.sesame-tmp");
    Path notOurs = dir.resolve(".out.notours.sesame-tmp");
    for (Path p : List.of(candidate, backupTemp, notOurs)) {
      Files.writeString(p, "leftover");
    }

    renderer().apply(List.of(target(out)), fields, false, progress);

    assertThat(candidate).doesNotExist();
    assertThat(backupTemp).doesNotExist();
    assertThat(notOurs).as("only Sesame's own names are swept").exists();
    assertThat(progress()).contains("removed      " + candidate + " (left by an interrupted run)");
  }

  @Test
  void aSetKilledBeforeItsRenamesIsCompletedAndItsRestartsRunByTheNextRun() throws Exception {
    Path out = dir.resolve("out");
    Files.writeString(out, "old\n");
    Path restarts = dir.resolve("restarts.log");
    Path candidate = AtomicReplace.writeCandidate(out, "new\n".getBytes(StandardCharsets.UTF_8));
    SetJournal journal = new SetJournal(stateDir, Clock.systemUTC());
    journal.lock(java.time.Duration.ZERO).close();  // creates the folders
    journal.begin(List.of(new SetJournal.Item(out, candidate, true, PosixFilePermissions.fromString("rw-r-----"),
        Optional.of("echo restarted >> " + restarts), Optional.empty(), false)));

    // The next run renders something else entirely.
    renderer().apply(List.of(target(dir.resolve("other"))), fields, false, progress);

    assertThat(Files.readString(out)).isEqualTo("new\n");
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(Files.readString(Renderer.backupOf(out))).isEqualTo("old\n");
    assertThat(Files.readAllLines(restarts)).containsExactly("restarted");
    assertThat(candidate).doesNotExist();
    assertThat(journal.pending()).isEmpty();
    assertThat(progress()).contains("completing a render set interrupted at");
  }

  @Test
  void aJournalAKillLeftHalfWrittenIsRemovedAndNothingIsReplayedFromIt() throws Exception {
    Path out = dir.resolve("out");
    Files.writeString(out, "old\n");
    SetJournal journal = new SetJournal(stateDir, Clock.systemUTC());
    journal.lock(java.time.Duration.ZERO).close();  // creates the folders
    // Killed inside the journal's own write: the temp file exists, the rename never happened.
    Path torn = stateDir.resolve("render-sets").resolve("set-0123456789ab.json.tmp");
    Files.writeString(torn, "{\"format\": 1, \"phase\": \"SWAPP");
    Path candidate = AtomicReplace.writeCandidate(stateDir.resolve("render-sets").resolve("set-ba9876543210.json"),
        "{\"format\": 1, \"pha".getBytes(StandardCharsets.UTF_8));

    renderer().apply(List.of(target(dir.resolve("other"))), fields, false, progress);

    assertThat(torn).doesNotExist();
    assertThat(candidate).doesNotExist();
    assertThat(Files.readString(out)).as("no set was recorded, so nothing is completed").isEqualTo("old\n");
    assertThat(journal.pending()).isEmpty();
  }

  @Test
  void aSetKilledWhileRollingBackIsRolledBackByTheNextRun() throws Exception {
    Path swapped = dir.resolve("swapped");
    Files.writeString(swapped, "new\n");
    Files.writeString(Renderer.backupOf(swapped), "old\n");
    Path created = dir.resolve("created");
    Files.writeString(created, "new\n");
    Path notYet = dir.resolve("not-yet");
    Files.writeString(notYet, "old\n");
    Path notYetCandidate = AtomicReplace.writeCandidate(notYet, "new\n".getBytes(StandardCharsets.UTF_8));
    Path restarts = dir.resolve("restarts.log");
    Optional<String> restart = Optional.of("echo restarted >> " + restarts);
    var mode = PosixFilePermissions.fromString("rw-------");
    SetJournal journal = new SetJournal(stateDir, Clock.systemUTC());
    journal.lock(java.time.Duration.ZERO).close();
    SetJournal.Entry entry = journal.begin(List.of(
        new SetJournal.Item(swapped, dir.resolve(".swapped.000000000000.sesame-tmp"), true, mode, restart,
            Optional.empty(), false),
        new SetJournal.Item(created, dir.resolve(".created.000000000000.sesame-tmp"), false, mode, restart,
            Optional.empty(), false),
        new SetJournal.Item(notYet, notYetCandidate, true, mode, restart, Optional.empty(), false)));
    journal.rewrite(entry.rollingBack(List.of(
        new SetJournal.Item(swapped, dir.resolve(".swapped.000000000000.sesame-tmp"), true, mode, restart,
            Optional.empty(), true),
        new SetJournal.Item(created, dir.resolve(".created.000000000000.sesame-tmp"), false, mode, restart,
            Optional.empty(), true),
        new SetJournal.Item(notYet, notYetCandidate, true, mode, restart, Optional.empty(), false))));

    renderer().apply(List.of(target(dir.resolve("other"))), fields, false, progress);

    assertThat(Files.readString(swapped)).isEqualTo("old\n");
    assertThat(created).as("a target that did not exist before is removed").doesNotExist();
    assertThat(Files.readString(notYet)).as("never swapped: untouched").isEqualTo("old\n");
    assertThat(notYetCandidate).doesNotExist();
    assertThat(Files.readAllLines(restarts)).containsExactly("restarted");
    assertThat(journal.pending()).isEmpty();
  }

  @Test
  void aStateDirectoryOthersCanWriteIsRefusedBeforeAnyRecordedCommandRuns() throws Exception {
    Files.createDirectory(stateDir);
    Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwx---"));

    assertThatThrownBy(() -> renderer().apply(List.of(target(dir.resolve("out"))), fields, false, progress))
        .hasMessageContaining("state directory " + stateDir + " is writable by group or others");
    assertThat(dir.resolve("out")).doesNotExist();
  }
}
