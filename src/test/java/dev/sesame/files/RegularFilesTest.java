package dev.sesame.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of non-regular file is refused in one line, and nothing blocks, even in a race. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegularFilesTest {
  @TempDir
  Path dir;

  @AfterEach
  void restoreDefaults() {
    RegularFiles.deadlineMillis = RegularFiles.DEFAULT_DEADLINE_MILLIS;
    RegularFiles.betweenCheckAndOpen = null;
  }

  static void mkfifo(Path path) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
  }

  @Test
  void aRegularFileIsReadWhole() throws Exception {
    Path file = Files.writeString(dir.resolve("t"), "hello");
    assertThat(RegularFiles.read(file, "template", 100)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFifoIsRefusedAtOnceWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("fifo");
    mkfifo(fifo);
    assertThatThrownBy(() -> RegularFiles.read(fifo, "vault", 100))
        .isInstanceOf(FileRefusedException.class)
        .hasMessage("vault " + fifo + " is a named pipe (FIFO), not a regular file")
        .satisfies(e -> assertThat(((FileRefusedException) e).reason()).isEqualTo(FileRefusedException.Reason.NOT_REGULAR));
  }

  @Test
  void aDirectoryAndACharacterDeviceAreRefused() {
    assertThatThrownBy(() -> RegularFiles.read(dir, "key file", 100))
        .hasMessage("key file " + dir + " is a directory, not a regular file");
    assertThatThrownBy(() -> RegularFiles.read(Path.of("/dev/zero"), "template", 100))
        .hasMessage("template /dev/zero is a character device, not a regular file");
  }

  @Test
  void aSymbolicLinkIsFollowedOrRefusedAsAsked() throws Exception {
    Path file = Files.writeString(dir.resolve("real"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), file);
    assertThat(RegularFiles.read(link, "template", 10)).hasSize(1);
    assertThatThrownBy(() -> RegularFiles.readNoFollow(link, "vault", 10))
        .hasMessage("vault " + link + " is a symbolic link, not a regular file");
  }

  @Test
  void aSymbolicLinkToAFifoIsRefused() throws Exception {
    Path fifo = dir.resolve("fifo");
    mkfifo(fifo);
    Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);
    assertThatThrownBy(() -> RegularFiles.read(link, "targets file", 10))
        .hasMessageContaining("is a named pipe (FIFO)");
  }

  @Test
  void aMissingFileIsNoSuchFile() {
    assertThatThrownBy(() -> RegularFiles.read(dir.resolve("absent"), "template", 10))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedUnread() throws Exception {
    Path file = Files.write(dir.resolve("big"), new byte[1001]);
    assertThat(RegularFiles.read(Files.write(dir.resolve("fits"), new byte[1000]), "x", 1000)).hasSize(1000);
    assertThatThrownBy(() -> RegularFiles.read(file, "key file", 1000))
        .hasMessage("key file " + file + " is larger than 1000 bytes")
        .satisfies(e -> assertThat(((FileRefusedException) e).reason()).isEqualTo(FileRefusedException.Reason.TOO_LARGE));
  }

  @Test
  void ownerOnlyRefusesAFileGroupOrOthersMayRead() throws Exception {
    Path secret = Files.writeString(dir.resolve("pass"), "words");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> RegularFiles.read(secret, "passphrase file", 100, true,
        RegularFiles.ownerOnly(secret, "passphrase file")))
        .hasMessage("passphrase file " + secret + " is accessible to group or others (mode rw-r--r--); run: chmod 600 "
            + secret);
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("r--------"));
    assertThat(RegularFiles.read(secret, "passphrase file", 100, true, RegularFiles.ownerOnly(secret, "p"))).hasSize(5);
  }

  @Test
  void aFifoSwappedInAfterTheCheckCostsTheDeadlineNotAHang() throws Exception {
    Path file = Files.writeString(dir.resolve("vault.json"), "{}");
    RegularFiles.deadlineMillis = 300;
    RegularFiles.betweenCheckAndOpen = () -> swapInFifo(file);
    long start = System.nanoTime();
    assertThatThrownBy(() -> RegularFiles.readNoFollow(file, "vault", 100))
        .isInstanceOf(FileRefusedException.class)
        .hasMessage("vault " + file + " did not open within 0.3 s; it is probably not a regular file"
            + " (a named pipe or a device)");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void aFifoSwappedInWithAWriterWaitingIsRefusedOnTheDescriptorNeverRead() throws Exception {
    Path file = Files.writeString(dir.resolve("vault.json"), "{}");
    RegularFiles.betweenCheckAndOpen = () -> {
      swapInFifo(file);
      // A writer that opens the FIFO as soon as a reader does, and would feed it content.
      Thread writer = new Thread(() -> {
        try (OutputStream out = Files.newOutputStream(file)) {
          out.write("forged content".getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // The reader refused and closed; a broken pipe is expected.
        }
      });
      writer.setDaemon(true);
      writer.start();
    };
    assertThatThrownBy(() -> RegularFiles.readNoFollow(file, "vault", 100))
        .isInstanceOf(FileRefusedException.class)
        .hasMessageContaining("is not a regular file (it became a pipe or a terminal while being opened)");
  }

  @Test
  void openForWritingCreatesWithTheModeAtBirthAndRefusesAFifoOrALink() throws Exception {
    Path lock = dir.resolve("vault.json.lock");
    try (FileChannel channel = RegularFiles.openForWriting(lock, "lock file",
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      assertThat(channel.isOpen()).isTrue();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");

    Path fifo = dir.resolve("fifo.lock");
    mkfifo(fifo);
    assertThatThrownBy(() -> RegularFiles.openForWriting(fifo, "lock file",
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE)))
        .hasMessage("lock file " + fifo + " is a named pipe (FIFO), not a regular file");

    Path elsewhere = dir.resolve("elsewhere");
    Path link = Files.createSymbolicLink(dir.resolve("link.lock"), elsewhere);
    assertThatThrownBy(() -> RegularFiles.openForWriting(link, "lock file",
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE)))
        .hasMessage("lock file " + link + " is a symbolic link, not a regular file");
    assertThat(elsewhere).doesNotExist();
  }

  @Test
  void aFifoSwappedInBeforeAWriteOpenCostsTheDeadline() throws Exception {
    Path lock = Files.writeString(dir.resolve("audit"), "");
    RegularFiles.deadlineMillis = 300;
    RegularFiles.betweenCheckAndOpen = () -> swapInFifo(lock);
    assertThatThrownBy(() -> RegularFiles.openForWriting(lock, "audit log",
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)))
        .hasMessageContaining("did not open within 0.3 s");
  }

  private static void swapInFifo(Path file) {
    try {
      Files.delete(file);
      mkfifo(file);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
