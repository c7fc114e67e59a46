package dev.sesame.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Reading one file for a scan: through no symlink (O_NOFOLLOW), never more than a limit. */
final class FileContent {
  /** How far git and grep look for a NUL byte before calling a file binary. */
  static final int BINARY_PROBE = 8192;

  private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  private FileContent() {}

  /** Opens PATH for reading; a symlink put in its place since it was listed fails to open. */
  @FunctionalInterface
  interface Opener {
    SeekableByteChannel open(Path path) throws IOException;

    Opener NO_FOLLOW = path -> Files.newByteChannel(path, READ_NO_FOLLOW);
  }

  /** A growable buffer, one per reading thread. */
  static final class Buffer {
    byte[] bytes = new byte[BINARY_PROBE];
    int length;

    /** Wipes what was read: it may have held a secret. */
    void clear() {
      java.util.Arrays.fill(bytes, 0, length, (byte) 0);
      length = 0;
    }
  }

  /**
   * Reads PATH into BUFFER. Returns false, with BUFFER holding the first MAX + 1 bytes, when the
   * file is larger than MAX (it may have grown since it was listed).
   */
  static boolean read(Opener opener, Path path, long expectedSize, long max, Buffer buffer) throws IOException {
    int want = (int) Math.min(max + 1, Math.max(expectedSize + 1, BINARY_PROBE));
    if (buffer.bytes.length < want) {
      buffer.bytes = new byte[want];
    }
    buffer.length = 0;
    try (SeekableByteChannel channel = opener.open(path)) {
      while (true) {
        if (buffer.length == buffer.bytes.length) {
          if (buffer.length > max) {
            return false;
          }
          buffer.bytes = java.util.Arrays.copyOf(buffer.bytes, (int) Math.min(max + 1, buffer.bytes.length * 2L));
        }
        int n = channel.read(ByteBuffer.wrap(buffer.bytes, buffer.length, buffer.bytes.length - buffer.length));
        if (n < 0) {
          return buffer.length <= max;
        }
        buffer.length += n;
      }
    }
  }

  /** A NUL byte among the first {@value #BINARY_PROBE} bytes. */
  static boolean isBinary(byte[] bytes, int length) {
    int end = Math.min(length, BINARY_PROBE);
    for (int i = 0; i < end; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
