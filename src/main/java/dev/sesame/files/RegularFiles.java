package dev.sesame.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every file Sesame reads or writes goes through here, so that a FIFO, a device or a directory
 * given as a vault, key file, passphrase file, template, targets file, lock or audit log is
 * refused with one line, and nothing ever blocks on one.
 *
 * <p>The textbook way is open(2) with O_NONBLOCK, then fstat(2) on the descriptor. Java 17 cannot
 * pass O_NONBLOCK (StandardOpenOption has no such flag, the foreign-function API is not final
 * before Java 22, and JNA costs about 150 ms of start-up, most of a `get`). So each access is
 * three steps that together give the same guarantees:
 * <ol>
 *   <li>lstat/stat the name and refuse anything but a regular file: every FIFO, device,
 *       directory or socket that is already there is refused before anything is opened;</li>
 *   <li>open and read on a daemon thread that the caller waits for with a deadline: if a FIFO
 *       was swapped in after step 1 (by someone who can write the folder), the open that blocks
 *       in the kernel blocks that thread only, and the caller refuses the file when the deadline
 *       passes; the thread dies with the process;</li>
 *   <li>seek on the opened descriptor before using it: lseek(2) fails with ESPIPE on a pipe,
 *       FIFO or terminal, so a FIFO that did open (a writer was waiting) is refused on the
 *       descriptor itself, never read; reads are capped, so a device that never ends cannot
 *       exhaust memory.</li>
 * </ol>
 * Writes add O_NOFOLLOW, so a symbolic link planted at a lock or log name is refused rather
 * than followed. A device node can only be planted by root (mknod), which is outside what
 * file checks can defend against.
 */
public final class RegularFiles {
  static final long DEFAULT_DEADLINE_MILLIS = 10_000;
  /** How long an open (and, for reads, the whole read) may take; tests shorten it. */
  static volatile long deadlineMillis = DEFAULT_DEADLINE_MILLIS;
  /** Test hook run between the check of the name (step 1) and the open (step 2). */
  static volatile Runnable betweenCheckAndOpen;

  private RegularFiles() {}

  /** A check on the file's attributes (e.g. its mode) made before any byte is read. */
  @FunctionalInterface
  public interface AttributeCheck {
    void check(PosixFileAttributes attributes) throws IOException;
  }

  /**
   * A check for files that hold a secret (key file, passphrase file): refused when group or others
   * have any permission, as OpenSSH refuses a private key; the message gives the chmod that fixes it.
   */
  public static AttributeCheck ownerOnly(Path path, String role) {
    return new OwnerOnly(path, role);
  }

  /** A class, not a lambda: see {@link #beforeDeadline}. */
  private static final class OwnerOnly implements AttributeCheck {
    private final Path path;
    private final String role;

    OwnerOnly(Path path, String role) {
      this.path = path;
      this.role = role;
    }

    @Override
    public void check(PosixFileAttributes attributes) throws IOException {
      Set<PosixFilePermission> permissions = attributes.permissions();
      for (PosixFilePermission permission : permissions) {
        if (permission.name().startsWith("GROUP") || permission.name().startsWith("OTHERS")) {
          throw new FileRefusedException(FileRefusedException.Reason.TOO_OPEN, role + " " + path
              + " is accessible to group or others (mode " + PosixFilePermissions.toString(permissions)
              + "); run: chmod 600 " + path);
        }
      }
    }
  }

  /**
   * The whole content of PATH, following symbolic links; ROLE ("key file", "template") names it
   * in messages. Refused when it is not a regular file or holds more than MAX_BYTES.
   *
   * @throws NoSuchFileException when it does not exist
   * @throws FileRefusedException when it is not a regular file, too large, or does not open in time
   */
  public static byte[] read(Path path, String role, int maxBytes) throws IOException {
    return read(path, role, maxBytes, true, null);
  }

  /** As {@link #read(Path, String, int)}, refusing a symbolic link at PATH itself. */
  public static byte[] readNoFollow(Path path, String role, int maxBytes) throws IOException {
    return read(path, role, maxBytes, false, null);
  }

  /** As {@link #read(Path, String, int)}; CHECK sees the attributes before anything is opened. */
  public static byte[] read(Path path, String role, int maxBytes, boolean followLinks, AttributeCheck check)
      throws IOException {
    LinkOption[] links = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    PosixFileAttributes attributes = requireRegular(path, role, links);
    if (check != null) {
      check.check(attributes);
    }
    Set<OpenOption> options = new HashSet<>();
    options.add(StandardOpenOption.READ);
    if (!followLinks) {
      options.add(LinkOption.NOFOLLOW_LINKS);
    }
    return beforeDeadline(path, role, new ReadWhole(path, role, options, maxBytes), null);
  }

  /** Step 2 and 3 of a read, run on the worker thread. */
  private static final class ReadWhole implements IoAction<byte[]> {
    private final Path path;
    private final String role;
    private final Set<OpenOption> options;
    private final int maxBytes;

    ReadWhole(Path path, String role, Set<OpenOption> options, int maxBytes) {
      this.path = path;
      this.role = role;
      this.options = options;
      this.maxBytes = maxBytes;
    }

    @Override
    public byte[] run() throws IOException {
      try (FileChannel channel = FileChannel.open(path, options)) {
        requireSeekable(channel, path, role);
        return readAll(channel, path, role, maxBytes);
      }
    }
  }

  /**
   * Opens PATH for writing with OPTIONS (CREATE, CREATE_NEW, APPEND, WRITE...) and, when it is
   * created, ATTRIBUTES at birth. Never follows a symbolic link at PATH; an existing file must be
   * a regular file.
   */
  public static FileChannel openForWriting(Path path, String role, Set<? extends OpenOption> options,
      FileAttribute<?>... attributes) throws IOException {
    try {
      requireRegular(path, role, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException absent) {
      if (!options.contains(StandardOpenOption.CREATE) && !options.contains(StandardOpenOption.CREATE_NEW)) {
        throw absent;
      }
    }
    Set<OpenOption> all = new HashSet<>(options);
    all.add(LinkOption.NOFOLLOW_LINKS);
    return beforeDeadline(path, role, () -> {
      FileChannel channel = FileChannel.open(path, all, attributes);
      try {
        requireSeekable(channel, path, role);
        return channel;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }, RegularFiles::closeQuietly);
  }

  /**
   * Step 1 alone: the attributes of PATH, which must be a regular file.
   *
   * @throws NoSuchFileException when nothing is there
   * @throws FileRefusedException when something other than a regular file is there
   */
  public static PosixFileAttributes requireRegular(Path path, String role, LinkOption... links)
      throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, links);
    if (!attributes.isRegularFile()) {
      throw new FileRefusedException(FileRefusedException.Reason.NOT_REGULAR,
          role + " " + path + " is " + kindOf(path, attributes, links) + ", not a regular file");
    }
    return attributes;
  }

  /** "a named pipe (FIFO)", "a directory"...: what stands at PATH, for messages. */
  static String kindOf(Path path, PosixFileAttributes attributes, LinkOption... links) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      // The "unix" view is the JDK's on Linux and macOS; only the message depends on it.
      int type = (Integer) Files.getAttribute(path, "unix:mode", links) & 0170000;
      switch (type) {
        case 0010000: return "a named pipe (FIFO)";
        case 0020000: return "a character device";
        case 0060000: return "a block device";
        case 0140000: return "a socket";
        default: break;
      }
    } catch (IOException | RuntimeException unknown) {
      // Fall through to the generic word.
    }
    return "a special file";
  }

  private static void requireSeekable(FileChannel channel, Path path, String role) throws IOException {
    try {
      channel.position(0);
    } catch (IOException notSeekable) {
      throw new FileRefusedException(FileRefusedException.Reason.NOT_REGULAR,
          role + " " + path + " is not a regular file (it became a pipe or a terminal while being opened)");
    }
  }

  private static byte[] readAll(FileChannel channel, Path path, String role, int maxBytes) throws IOException {
    long size = channel.size();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Math.max(size, 0) + 1, (long) maxBytes + 1));
    while (true) {
      if (!buffer.hasRemaining()) {
        if (buffer.capacity() > maxBytes) {
          Arrays.fill(buffer.array(), (byte) 0);
          throw new FileRefusedException(FileRefusedException.Reason.TOO_LARGE,
              role + " " + path + " is larger than " + maxBytes + " bytes");
        }
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min((long) buffer.capacity() * 2, (long) maxBytes + 1));
        buffer.flip();
        larger.put(buffer);
        Arrays.fill(buffer.array(), (byte) 0);
        buffer = larger;
      }
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    byte[] content = Arrays.copyOf(buffer.array(), buffer.position());
    // The buffer may hold a key or a passphrase: leave no second copy behind.
    Arrays.fill(buffer.array(), (byte) 0);
    return content;
  }

  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }

  @FunctionalInterface
  private interface Discard<T> {
    void discard(T late);
  }

  /**
   * The worker thread's job and what it hands back, guarded by this object's monitor. A class,
   * not a lambda: reading the vault and key file is on the `get` path, where each lambda's first
   * call costs a millisecond or more of linking in a fresh JVM (see VaultDocument#canonicalIndex).
   */
  private static final class Outcome<T> implements Runnable {
    private final IoAction<T> action;
    private final Discard<T> discard;
    T value;
    Throwable failure;
    boolean done;
    boolean abandoned;

    Outcome(IoAction<T> action, Discard<T> discard) {
      this.action = action;
      this.discard = discard;
    }

    @Override
    public void run() {
      T result = null;
      Throwable thrown = null;
      try {
        result = action.run();
      } catch (Throwable t) {
        thrown = t;
      }
      synchronized (this) {
        if (abandoned) {
          if (result != null && discard != null) {
            discard.discard(result);
          }
          return;
        }
        value = result;
        failure = thrown;
        done = true;
        notifyAll();
      }
    }
  }

  /**
   * Runs ACTION on a daemon thread and waits at most the deadline. A result that arrives after
   * the caller gave up goes to DISCARD (a channel is closed), so nothing leaks.
   */
  private static <T> T beforeDeadline(Path path, String role, IoAction<T> action, Discard<T> discard)
      throws IOException {
    Runnable hook = betweenCheckAndOpen;
    if (hook != null) {
      hook.run();
    }
    Outcome<T> outcome = new Outcome<>(action, discard);
    Thread worker = new Thread(outcome, "sesame-open");
    worker.setDaemon(true);
    worker.start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    synchronized (outcome) {
      try {
        while (!outcome.done) {
          long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (remaining <= 0) {
            outcome.abandoned = true;
            throw new FileRefusedException(FileRefusedException.Reason.TIMED_OUT,
                role + " " + path + " did not open within " + seconds(deadlineMillis)
                    + "; it is probably not a regular file (a named pipe or a device)");
          }
          outcome.wait(remaining);
        }
      } catch (InterruptedException e) {
        outcome.abandoned = true;
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while opening " + role + " " + path);
      }
    }
    Throwable failure = outcome.failure;
    if (failure == null) {
      return outcome.value;
    }
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    throw new IOException(failure);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing an unused descriptor; nothing depends on it.
    }
  }
}
