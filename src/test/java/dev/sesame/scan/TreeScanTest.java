package dev.sesame.scan;

import static dev.sesame.scan.Leaks.HOST;
import static dev.sesame.scan.Leaks.KEY_ID;
import static dev.sesame.scan.Leaks.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walking a host's folders: what is read, what is passed over and why, and that nothing blocks. */
class TreeScanTest {
  private static final String LEAK = HOST + ":" + KEY_ID + ":" + PASSWORD + "\n";

  @TempDir
  Path dir;

  private Path write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private ScanReport scan(Path... roots) throws IOException {
    return TreeScan.scan(List.of(roots), ScanOptions.defaults());
  }

  @Test
  void findsCredentialsInEveryFileOfTheTreeWithFormatModeAndOwner() throws IOException {
    Path passwd = write("etc/exim4/passwd.client", "# managed by hand\n" + LEAK);
    Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
    write("var/www/app/config/mail.php", "<?php\n$mail->Username = '" + KEY_ID + "';\n$mail->Password = '"
        + PASSWORD + "';\n");
    write("etc/postfix/sasl_passwd", "[" + HOST + "]:587 " + KEY_ID + ":" + PASSWORD + "\n");
    write("srv/app/.env", "SMTP_USER=" + KEY_ID + "\nSMTP_PASS=" + PASSWORD + "\n");
    write("etc/clean.conf", "nothing = here\n");

    ScanReport report = scan(dir);

    assertThat(report.findings()).extracting(f -> dir.relativize(f.file()).toString() + ":" + f.line() + " "
        + f.format().wireName()).containsExactly(
            "etc/exim4/passwd.client:2 exim-passwd",
            "etc/postfix/sasl_passwd:1 postfix",
            "srv/app/.env:2 env",
            "var/www/app/config/mail.php:3 php");
    ScanFinding first = report.findings().get(0);
    assertThat(first.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(first.kind()).isEqualTo(Kind.SES_SMTP_PASSWORD);
    assertThat(first.modeText()).isEqualTo("0644");
    assertThat(first.readableByOthers()).isTrue();
    assertThat(first.owner()).isNotEmpty();
    assertThat(report.filesScanned()).isEqualTo(5);
    assertThat(report.skippedTotal()).isZero();
  }

  @Test
  void followsNoSymlinkOutOfTheTreeNorInsideIt(@TempDir Path outside) throws IOException {
    Path secret = outside.resolve("exim.conf");
    Files.writeString(secret, LEAK);
    Files.createDirectories(outside.resolve("sub"));
    Files.writeString(outside.resolve("sub/more.conf"), LEAK);
    Path inside = write("etc/real.conf", LEAK);
    Files.createSymbolicLink(dir.resolve("etc/link-out.conf"), secret);
    Files.createSymbolicLink(dir.resolve("etc/dir-out"), outside.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("link-in.conf"), inside);

    ScanReport report = scan(dir);

    assertThat(report.findings()).extracting(ScanFinding::file).containsExactly(inside.toRealPath());
    assertThat(report.skipped()).containsEntry(Skip.SYMLINK, 3L);
  }

  @Test
  void aSymlinkNamedAsTheRootIsFollowedOnceSinceTheUserChoseIt(@TempDir Path outside) throws IOException {
    Files.writeString(outside.resolve("exim.conf"), LEAK);
    Path link = dir.resolve("etc-exim");
    Files.createSymbolicLink(link, outside);

    assertThat(scan(link).findings()).hasSize(1);
  }

  @Test
  void aFifoIsPassedOverWithoutOpeningIt() throws Exception {
    write("a.conf", LEAK);
    Path fifo = dir.resolve("pipe.conf");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    ScanReport report = scan(dir);

    assertThat(report.findings()).hasSize(1);
    assertThat(report.skipped()).containsEntry(Skip.NOT_REGULAR, 1L);
  }

  @Test
  void aFifoNamedAsTheRootIsPassedOverToo() throws Exception {
    Path fifo = dir.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    ScanReport report = scan(fifo);

    assertThat(report.filesScanned()).isZero();
    assertThat(report.skipped()).containsEntry(Skip.NOT_REGULAR, 1L);
  }

  @Test
  void aFileThatDoesNotOpenInTimeIsReportedAndTheScanGoesOn() throws IOException {
    Path stuck = write("stuck.conf", LEAK);
    write("fine.conf", LEAK);
    CountDownLatch never = new CountDownLatch(1);
    // Stands in for a FIFO swapped in between listing and opening: open(2) would wait for a writer.
    FileContent.Opener hanging = path -> {
      if (path.equals(stuck)) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return FileContent.Opener.NO_FOLLOW.open(path);
    };
    ScanOptions options = new ScanOptions(ScanOptions.DEFAULT_MAX_FILE_SIZE, Duration.ofMillis(300), 1, List.of());

    ScanReport report = TreeScan.scan(List.of(dir), options, hanging);

    assertThat(report.findings()).extracting(ScanFinding::file).containsExactly(dir.toRealPath().resolve("fine.conf"));
    assertThat(report.skipped()).containsEntry(Skip.TIMED_OUT, 1L);
    assertThat(report.notices()).singleElement().satisfies(n -> {
      assertThat(n.path()).isEqualTo(dir.toRealPath().resolve("stuck.conf"));
      assertThat(n.reason()).isEqualTo(Skip.TIMED_OUT);
    });
  }

  @Test
  void anUnreadableFileIsNamedWithTheReasonAndNothingElse() throws IOException {
    write("locked.conf", LEAK);
    FileContent.Opener denied = path -> {
      throw new AccessDeniedException(path.toString());
    };

    ScanReport report = TreeScan.scan(List.of(dir), ScanOptions.defaults(), denied);

    assertThat(report.findings()).isEmpty();
    assertThat(report.notices()).singleElement().satisfies(n -> {
      assertThat(n.reason()).isEqualTo(Skip.UNREADABLE);
      assertThat(n.detail()).isEqualTo("permission denied");
    });
  }

  @Test
  void binariesAndLargeFilesAreSkipped() throws IOException {
    Files.write(dir.resolve("dump.bin"), ("\0\0binary" + LEAK).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    write("huge.log", "x".repeat(2000) + "\n" + LEAK);
    write("small.conf", LEAK);

    ScanReport report = TreeScan.scan(List.of(dir), ScanOptions.defaults().withMaxFileSize(1000));

    assertThat(report.findings()).extracting(f -> f.file().getFileName().toString()).containsExactly("small.conf");
    assertThat(report.skipped()).containsEntry(Skip.BINARY, 1L).containsEntry(Skip.TOO_LARGE, 1L);
  }

  @Test
  void excludedFilesAndFoldersAreNotRead() throws IOException {
    write("etc/exim4/passwd.client", LEAK);
    write("var/www/vendor/lib/mail.php", LEAK);
    write("etc/exim4/exim4.conf.localmacros", LEAK);

    ScanReport report = TreeScan.scan(List.of(dir), ScanOptions.defaults()
        .withExcludes(List.of("**/passwd.client", "**/vendor")));

    assertThat(report.findings()).extracting(f -> f.file().getFileName().toString())
        .containsExactly("exim4.conf.localmacros");
    assertThat(report.skipped()).containsEntry(Skip.EXCLUDED, 2L);
  }

  @Test
  void kernelFileSystemsAreNotWalked() throws IOException {
    ScanReport report = scan(Path.of("/proc"));

    assertThat(report.filesScanned()).isZero();
    assertThat(report.skipped()).containsEntry(Skip.PSEUDO_FILESYSTEM, 1L);
  }

  @Test
  void aFileReachedTwiceIsReportedOnce() throws IOException {
    write("etc/exim/exim.conf", LEAK);

    ScanReport report = scan(dir, dir.resolve("etc"), dir.resolve("etc/exim/exim.conf"));

    assertThat(report.findings()).hasSize(1);
  }

  @Test
  void aMissingRootIsAnErrorBeforeAnythingIsScanned() {
    assertThatThrownBy(() -> scan(dir.resolve("nope"))).isInstanceOf(NoSuchFileException.class);
  }
}
