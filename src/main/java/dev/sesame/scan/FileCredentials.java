package dev.sesame.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The credentials in one named file, secrets included, for `import`. The file is read under the
 * same rules as a scan (a regular file, at most the size limit, not binary, on a thread that is
 * given up after the deadline), so naming a FIFO or a device can never hang the import.
 */
public final class FileCredentials {
  private FileCredentials() {}

  /** The file cannot be searched; the message names the file and why, never its content. */
  public static final class UnscannableFile extends Exception {
    private static final long serialVersionUID = 1L;

    UnscannableFile(String message) {
      super(message);
    }
  }

  /**
   * Every credential in FILE (a symlink given here is followed: the user named it), in line order.
   *
   * @throws java.nio.file.NoSuchFileException when FILE does not exist
   * @throws UnscannableFile when FILE is not a regular file, is too large or binary, or cannot be read
   */
  public static List<FoundCredential> in(Path file, ScanOptions options) throws IOException, UnscannableFile {
    Path real = file.toRealPath();
    BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new UnscannableFile(file + " is not a regular file");
    }
    if (attrs.size() > options.maxFileSize()) {
      throw new UnscannableFile(file + " is larger than " + options.maxFileSize() + " bytes");
    }
    FileContent.Buffer buffer = new FileContent.Buffer();
    CompletableFuture<Boolean> reading = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        reading.complete(FileContent.read(FileContent.Opener.NO_FOLLOW, real, attrs.size(), options.maxFileSize(),
            buffer));
      } catch (IOException | RuntimeException e) {
        reading.completeExceptionally(e);
      }
    }, "sesame-import-read");
    reader.setDaemon(true);
    reader.start();
    try {
      Duration deadline = options.fileDeadline();
      if (!reading.get(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new UnscannableFile(file + " is larger than " + options.maxFileSize() + " bytes");
      }
      if (FileContent.isBinary(buffer.bytes, buffer.length)) {
        throw new UnscannableFile(file + " is a binary file");
      }
      return CredentialFinder.find(new String(buffer.bytes, 0, buffer.length, StandardCharsets.ISO_8859_1));
    } catch (TimeoutException e) {
      throw new UnscannableFile(file + " was not read within " + options.fileDeadline().toSeconds() + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new UnscannableFile("cannot read " + file + ": " + TreeScan.reason(io));
      }
      throw new UnscannableFile("cannot read " + file + ": " + TreeScan.reason((Exception) e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      if (reading.isDone()) {
        buffer.clear();
      }
    }
  }
}
