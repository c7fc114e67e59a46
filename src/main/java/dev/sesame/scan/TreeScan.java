package dev.sesame.scan;

import dev.sesame.scan.ScanReport.Notice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scans folders and files for plain-text SES credentials ({@link CredentialFinder}).
 *
 * <p>The walk follows no symbolic link: a link into the tree is scanned where it points, a link
 * out of it never; each named PATH is resolved once, since the user chose it. Only regular files
 * are opened (FIFOs, sockets and devices are listed and passed over), and they are opened with
 * O_NOFOLLOW. Files larger than the limit and binaries are skipped, and so are /proc, /sys and
 * the other kernel file systems. Reading happens on worker threads watched by a watchdog: a file
 * that does not open and read within the deadline (a FIFO swapped in after it was listed, a hung
 * network mount) is reported and its worker replaced, so a scan never blocks.
 */
public final class TreeScan {
  // Kernel and runtime file systems: state, not configuration, and some files there block on read.
  private static final Set<String> PSEUDO_FILESYSTEMS = Set.of("proc", "sysfs", "devtmpfs", "devpts", "cgroup",
      "cgroup2", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs",
      "autofs", "binfmt_misc", "efivarfs", "rpc_pipefs", "nsfs", "selinuxfs");
  private static final Job POISON = new Job(null, 0);

  private final ScanOptions options;
  private final List<PathMatcher> excludes;
  private final FileContent.Opener opener;
  private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(4096);
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final CountDownLatch workersDone;
  private final AtomicLong scanned = new AtomicLong();
  private final Map<Skip, AtomicLong> skipped = new EnumMap<>(Skip.class);
  private final ConcurrentLinkedQueue<ScanFinding> findings = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Notice> notices = new ConcurrentLinkedQueue<>();

  private TreeScan(ScanOptions options, FileContent.Opener opener) {
    this.options = options;
    this.excludes = options.matchers();
    this.opener = opener;
    this.workersDone = new CountDownLatch(options.threads());
    for (Skip skip : Skip.values()) {
      skipped.put(skip, new AtomicLong());
    }
  }

  /**
   * Scans ROOTS (folders or files).
   *
   * @throws NoSuchFileException when a root does not exist (nothing is scanned)
   */
  public static ScanReport scan(List<Path> roots, ScanOptions options) throws IOException {
    return scan(roots, options, FileContent.Opener.NO_FOLLOW);
  }

  /** As {@link #scan(List, ScanOptions)}, opening files through OPENER (tests make one hang). */
  static ScanReport scan(List<Path> roots, ScanOptions options, FileContent.Opener opener) throws IOException {
    List<Path> real = new ArrayList<>();
    for (Path root : roots) {
      real.add(root.toRealPath());
    }
    return new TreeScan(options, opener).run(real);
  }

  private ScanReport run(List<Path> roots) throws IOException {
    for (int i = 0; i < options.threads(); i++) {
      startWorker();
    }
    Thread watchdog = new Thread(this::watch, "sesame-scan-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      Walker walker = new Walker();
      for (Path root : roots) {
        Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, walker);
      }
      for (int i = 0; i < options.threads(); i++) {
        queue.put(POISON);
      }
      workersDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("scan interrupted", e);
    } finally {
      watchdog.interrupt();
    }
    return report();
  }

  private ScanReport report() {
    List<ScanFinding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing((ScanFinding f) -> f.file().toString()).thenComparingInt(ScanFinding::line));
    List<Notice> sortedNotices = new ArrayList<>(notices);
    sortedNotices.sort(Comparator.comparing((Notice n) -> n.path().toString()));
    Map<Skip, Long> counts = new LinkedHashMap<>();
    for (Skip skip : Skip.values()) {
      counts.put(skip, skipped.get(skip).get());
    }
    return new ScanReport(List.copyOf(sorted), scanned.get(), counts, List.copyOf(sortedNotices));
  }

  private void skip(Skip reason) {
    skipped.get(reason).incrementAndGet();
  }

  private void notice(Path path, Skip reason, String detail) {
    skip(reason);
    notices.add(new Notice(path, reason, detail));
  }

  /** Lists the tree and queues its regular files; all decisions that need no file content are made here. */
  private final class Walker extends SimpleFileVisitor<Path> {
    private final Set<Object> seen = new HashSet<>();
    private final Deque<Object> devices = new ArrayDeque<>();

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (attrs.fileKey() != null && !seen.add(attrs.fileKey())) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      if (options.excluded(excludes, dir)) {
        skip(Skip.EXCLUDED);
        return FileVisitResult.SKIP_SUBTREE;
      }
      Object device;
      try {
        device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        notice(dir, Skip.UNREADABLE, reason(e));
        return FileVisitResult.SKIP_SUBTREE;
      }
      if (devices.isEmpty() || !devices.peek().equals(device)) {
        // A new file system begins here: find out which kind only then (getFileStore reads the mount table).
        String type = fileSystemType(dir);
        if (PSEUDO_FILESYSTEMS.contains(type)) {
          skip(Skip.PSEUDO_FILESYSTEM);
          return FileVisitResult.SKIP_SUBTREE;
        }
      }
      devices.push(device);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException failure) {
      devices.pop();
      if (failure != null) {
        notice(dir, Skip.UNREADABLE, reason(failure));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      if (attrs.isSymbolicLink()) {
        skip(Skip.SYMLINK);
      } else if (!attrs.isRegularFile()) {
        skip(Skip.NOT_REGULAR);
      } else if (attrs.fileKey() != null && !seen.add(attrs.fileKey())) {
        return FileVisitResult.CONTINUE;
      } else if (options.excluded(excludes, file)) {
        skip(Skip.EXCLUDED);
      } else if (attrs.size() > options.maxFileSize()) {
        skip(Skip.TOO_LARGE);
      } else if (attrs.size() == 0) {
        scanned.incrementAndGet();
      } else {
        try {
          queue.put(new Job(file, attrs.size()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("scan interrupted", e);
        }
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException failure) {
      notice(file, Skip.UNREADABLE, reason(failure));
      return FileVisitResult.CONTINUE;
    }

    private String fileSystemType(Path dir) {
      try {
        return Files.getFileStore(dir).type();
      } catch (IOException e) {
        return "";
      }
    }
  }

  private record Job(Path path, long size) {}

  // ---- reading, on workers under a watchdog ------------------------------------------------------

  private void startWorker() {
    Worker worker = new Worker();
    workers.add(worker);
    Thread thread = new Thread(worker, "sesame-scan-" + workers.size());
    thread.setDaemon(true);
    thread.start();
  }

  /** Gives up on files that take longer than the deadline, and replaces their workers. */
  private void watch() {
    long deadline = options.fileDeadline().toNanos();
    long period = Math.max(10, Math.min(200, options.fileDeadline().toMillis() / 10));
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(period);
        for (Worker worker : workers) {
          Path stuck = worker.abandonIfSlowerThan(deadline);
          if (stuck != null) {
            workers.remove(worker);
            notice(stuck, Skip.TIMED_OUT, "not read within " + options.fileDeadline().toSeconds()
                + " s (a FIFO or device put in its place, or a hung mount?)");
            startWorker();
          }
        }
      }
    } catch (InterruptedException done) {
      // the scan is over
    }
  }

  private final class Worker implements Runnable {
    private final FileContent.Buffer buffer = new FileContent.Buffer();
    private Path current;
    private long since;
    private boolean abandoned;

    @Override
    public void run() {
      try {
        while (true) {
          Job job = queue.take();
          if (job == POISON) {
            workersDone.countDown();
            return;
          }
          synchronized (this) {
            current = job.path();
            since = System.nanoTime();
          }
          Runnable outcome = scanFile(job);
          synchronized (this) {
            if (abandoned) {
              return; // the watchdog has reported this file and started a replacement
            }
            current = null;
          }
          outcome.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Marks this worker abandoned if its current file has taken longer than DEADLINE; returns that file. */
    synchronized Path abandonIfSlowerThan(long deadlineNanos) {
      if (abandoned || current == null || System.nanoTime() - since < deadlineNanos) {
        return null;
      }
      abandoned = true;
      return current;
    }

    /** Reads and searches one file; returns how to record the outcome (not recorded if abandoned). */
    private Runnable scanFile(Job job) {
      Path path = job.path();
      try {
        if (!FileContent.read(opener, path, job.size(), options.maxFileSize(), buffer)) {
          return () -> skip(Skip.TOO_LARGE);
        }
        if (FileContent.isBinary(buffer.bytes, buffer.length)) {
          return () -> skip(Skip.BINARY);
        }
        if (!CredentialFinder.mayHoldCredential(buffer.bytes, buffer.length)) {
          return scanned::incrementAndGet;
        }
        FileFormat format = FileFormat.guess(path, buffer.bytes, buffer.length);
        List<FoundCredential> found =
            CredentialFinder.find(new String(buffer.bytes, 0, buffer.length, StandardCharsets.ISO_8859_1));
        List<ScanFinding> results = found.isEmpty() ? List.of() : findingsIn(path, format, found);
        return () -> {
          scanned.incrementAndGet();
          findings.addAll(results);
        };
      } catch (FileSystemException e) {
        if (e.getReason() != null && e.getReason().contains("symbolic link")) {
          return () -> skip(Skip.SYMLINK); // replaced by a symlink since it was listed: O_NOFOLLOW refused it
        }
        String why = reason(e);
        return () -> notice(path, Skip.UNREADABLE, why);
      } catch (IOException | RuntimeException e) {
        String why = reason(e);
        return () -> notice(path, Skip.UNREADABLE, why);
      } finally {
        buffer.clear();
      }
    }
  }

  private static List<ScanFinding> findingsIn(Path path, FileFormat format, List<FoundCredential> found) {
    int mode = -1;
    String owner = "";
    String group = "";
    try {
      PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      mode = modeBits(attrs.permissions());
      owner = attrs.owner().getName();
      group = attrs.group().getName();
    } catch (IOException | UnsupportedOperationException e) {
      // Reported without a mode; the finding itself stands.
    }
    List<ScanFinding> results = new ArrayList<>(found.size());
    for (FoundCredential credential : found) {
      results.add(new ScanFinding(path, credential.line(), credential.kind(), credential.accessKeyId(), format, mode,
          owner, group));
    }
    return results;
  }

  static int modeBits(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= switch (permission) {
        case OWNER_READ -> 0400;
        case OWNER_WRITE -> 0200;
        case OWNER_EXECUTE -> 0100;
        case GROUP_READ -> 040;
        case GROUP_WRITE -> 020;
        case GROUP_EXECUTE -> 010;
        case OTHERS_READ -> 04;
        case OTHERS_WRITE -> 02;
        case OTHERS_EXECUTE -> 01;
      };
    }
    return mode;
  }

  /** Why a file could not be read, in words that carry no file content (a path at most). */
  static String reason(Exception failure) {
    if (failure instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (failure instanceof NoSuchFileException) {
      return "vanished while scanning";
    }
    if (failure instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return "read failed (" + failure.getClass().getSimpleName() + ")";
  }
}
