package dev.sesame.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sesame.files.AtomicReplace;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The record of a render set from just before its first rename until its last health check,
 * kept in the state directory ({@code STATE_DIR/render-sets/}), so that a run killed in between
 * (SIGKILL, power loss) is completed by the next render or rotation on the host: the candidates
 * it had not renamed yet are renamed into place, and the set's restart and health commands run,
 * because nothing tells whether they ran before the kill. A set killed while rolling back is
 * rolled back instead. It holds paths, modes and commands, never a secret.
 *
 * <p>The journal's commands are run by the next run, so the folder must be the caller's own and
 * writable by nobody else; {@link #lock} checks that before anything is read from it.
 */
final class SetJournal {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final int FORMAT = 1;
  private static final String SUFFIX = ".json";

  /** Forward: complete the set. Rolling back: restore the swapped targets. */
  enum Phase { SWAPPING, ROLLING_BACK }

  /**
   * One changed target of the set.
   *
   * @param existed whether OUT existed before (its previous content is then in OUT.bak)
   * @param permissions the mode OUT takes (the candidate is 0600 until its rename)
   * @param swapped in ROLLING_BACK: whether the candidate had been renamed over OUT
   */
  record Item(Path out, Path candidate, boolean existed, Set<PosixFilePermission> permissions,
      Optional<String> restart, Optional<String> health, boolean swapped) {}

  /** A set journal as read back: FILE, written at STARTED. */
  record Entry(Path file, Phase phase, Instant started, List<Item> items) {
    Entry rollingBack(List<Item> withSwapped) {
      return new Entry(file, Phase.ROLLING_BACK, started, withSwapped);
    }
  }

  private final Path stateDir;
  private final Path dir;
  private final Clock clock;

  SetJournal(Path stateDir, Clock clock) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.dir = this.stateDir.resolve("render-sets");
    this.clock = clock;
  }

  Path stateDir() {
    return stateDir;
  }

  /**
   * Takes the host's render lock ({@code STATE_DIR/render.lock}), waiting up to TIMEOUT: one set
   * at a time per state directory, so a set never sweeps or completes another's files while it
   * runs. Creates the folders (0700) on first use and refuses folders others could write.
   */
  AutoCloseable lock(Duration timeout) throws RenderException {
    try {
      for (Path folder : List.of(stateDir, dir)) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(folder,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Optional<String> unsafe = FolderSafety.problem(folder, false);
        if (unsafe.isPresent()) {
          throw new RenderException(RenderException.Reason.IO, "state directory " + folder + " " + unsafe.get()
              + "; the next run executes commands recorded there, so it must be yours alone (chmod 0700)");
        }
      }
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot create state directory " + dir + ": " + e.getClass().getSimpleName(), e);
    }
    Path lockFile = stateDir.resolve("render.lock");
    String busy = "another sesame render or rotation is changing files on this host (lock "
        + lockFile + "); try again later";
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(lockFile, path -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!threadLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RenderException(RenderException.Reason.LOCKED, busy);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RenderException(RenderException.Reason.LOCKED, busy);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      threadLock.unlock();
      throw new RenderException(RenderException.Reason.IO, "cannot open " + lockFile + ": " + e.getClass().getSimpleName(), e);
    }
    try {
      while (channel.tryLock() == null) {
        if (System.nanoTime() > deadline) {
          throw new RenderException(RenderException.Reason.LOCKED, busy);
        }
        Thread.sleep(20);
      }
      return () -> {
        channel.close();  // releases the OS lock
        threadLock.unlock();
      };
    } catch (IOException | InterruptedException | RenderException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing was locked through it.
      }
      threadLock.unlock();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof RenderException r ? r : new RenderException(RenderException.Reason.LOCKED, busy, e);
    }
  }

  /** Records a new set about to be swapped; returns it for {@link #rewrite} and {@link #remove}. */
  Entry begin(List<Item> items) throws IOException {
    byte[] nonce = new byte[6];
    RANDOM.nextBytes(nonce);
    Entry entry = new Entry(dir.resolve("set-" + HexFormat.of().formatHex(nonce) + SUFFIX), Phase.SWAPPING,
        clock.instant(), items);
    write(entry);
    return entry;
  }

  /** Replaces ENTRY's file with ENTRY (a new phase). */
  void rewrite(Entry entry) throws IOException {
    write(entry);
  }

  /** The set is over (done, or rolled back). Not fsynced: a lost removal only reruns its commands. */
  void remove(Entry entry) throws IOException {
    Files.deleteIfExists(entry.file());
  }

  /**
   * The sets a killed run left, oldest first. A journal counts only once renamed into place, so a
   * candidate a kill left mid-write ({@link AtomicReplace}'s {@code .set-*.json.<hex>.sesame-tmp},
   * or the {@code set-*.json.tmp} of earlier releases) is deleted here: for a new set nothing was
   * swapped yet, and for a phase change the previous journal is still in place and read instead.
   */
  List<Entry> pending() throws RenderException {
    List<Entry> found = new ArrayList<>();
    try {
      for (String glob : List.of("set-*" + SUFFIX + ".tmp", ".set-*" + SUFFIX + ".*" + AtomicReplace.CANDIDATE_SUFFIX)) {
        try (DirectoryStream<Path> torn = Files.newDirectoryStream(dir, glob)) {
          for (Path file : torn) {
            Files.deleteIfExists(file);
          }
        }
      }
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot remove an unfinished set journal in " + dir + ": " + e.getClass().getSimpleName(), e);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "set-*" + SUFFIX)) {
      for (Path file : files) {
        found.add(read(file));
      }
    } catch (IOException e) {
      throw new RenderException(RenderException.Reason.IO,
          "cannot read the set journals in " + dir + ": " + e.getClass().getSimpleName(), e);
    }
    found.sort((a, b) -> a.started().compareTo(b.started()));
    return found;
  }

  private static Entry read(Path file) throws RenderException {
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || root.path("format").asInt() != FORMAT) {
        throw new IOException("unknown format");
      }
      List<Item> items = new ArrayList<>();
      for (JsonNode t : root.path("targets")) {
        items.add(new Item(Path.of(t.get("out").asText()), Path.of(t.get("candidate").asText()),
            t.get("existed").asBoolean(), PosixFilePermissions.fromString(t.get("mode").asText()),
            text(t, "restart"), text(t, "health"), t.path("swapped").asBoolean()));
      }
      return new Entry(file, Phase.valueOf(root.get("phase").asText()), Instant.parse(root.get("started").asText()),
          List.copyOf(items));
    } catch (IOException | RuntimeException e) {
      throw new RenderException(RenderException.Reason.IO, "set journal " + file
          + " is unreadable; check the targets it may name by hand, then delete it");
    }
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  /** 0600 temp file, fsync, rename, fsync the folder: the journal is whole or absent. */
  private void write(Entry entry) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("phase", entry.phase().name());
    root.put("started", entry.started().toString());
    ArrayNode targets = root.putArray("targets");
    for (Item item : entry.items()) {
      ObjectNode t = targets.addObject();
      t.put("out", item.out().toString());
      t.put("candidate", item.candidate().toString());
      t.put("existed", item.existed());
      t.put("mode", PosixFilePermissions.toString(item.permissions()));
      item.restart().ifPresent(cmd -> t.put("restart", cmd));
      item.health().ifPresent(cmd -> t.put("health", cmd));
      t.put("swapped", item.swapped());
    }
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    AtomicReplace.replace(entry.file(), bytes);
  }
}
