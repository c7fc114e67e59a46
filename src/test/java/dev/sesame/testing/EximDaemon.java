package dev.sesame.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Exim daemon started by the test on 127.0.0.1:PORT with its own -C config, spool and logs in a
 * private folder, stopped by pid. Deliveries run as Exim's user (Debian-exim), so the folder is
 * world-traversable and the spool belongs to that user.
 */
public final class EximDaemon implements AutoCloseable {
  public static final String EXIM_USER = "Debian-exim";
  private final Path dir;
  private final Path config;
  private final int port;
  private Process process;

  private EximDaemon(Path dir, Path config, int port) {
    this.dir = dir;
    this.config = config;
    this.port = port;
  }

  /** A fresh world-traversable folder with spool/ and log/ owned by Exim's user. */
  public static Path workDir(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal exim = names.lookupPrincipalByName(EXIM_USER);
    for (String sub : List.of("spool", "log")) {
      Path p = Files.createDirectory(dir.resolve(sub));
      Files.getFileAttributeView(p, PosixFileAttributeView.class).setOwner(exim);
    }
    return dir;
  }

  public static GroupPrincipal eximGroup(Path anyFile) throws IOException {
    return anyFile.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByGroupName(EXIM_USER);
  }

  public static EximDaemon start(Path dir, Path config) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    EximDaemon d = new EximDaemon(dir, config, port);
    d.launch();
    return d;
  }

  private void launch() throws Exception {
    String exim = MailStack.require("exim");
    // -bdf: stay in the foreground, so the test owns the process and stops it by pid.
    process = new ProcessBuilder(exim, "-bdf", "-oX", Integer.toString(port),
        "-oP", dir.resolve("exim.pid").toString(), "-C", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile()).start();
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("exim daemon exited: "
            + Files.readString(dir.resolve("daemon.out")) + log("main") + log("panic"));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("exim daemon did not listen on " + port);
  }

  /** Removes a work folder made by {@link #workDir}. */
  public static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the daemon answers a new connection with its 220 greeting. After SIGHUP Exim
   * re-executes itself and re-opens its listening socket, so for a moment connections are refused
   * or dropped; polling the greeting (bounded) replaces guessing with a fixed sleep.
   */
  public void awaitGreeting(Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    String last = "nothing";
    while (System.nanoTime() < end) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(2000);
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
            java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        if (line != null && line.startsWith("220")) {
          return;
        }
        last = String.valueOf(line);
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("exim daemon on " + port + " gave no 220 greeting within " + limit + ": " + last);
  }

  public String log(String which) throws IOException {
    Path p = dir.resolve("log").resolve(which + "log");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  /** Submits a message to the daemon with swaks; returns swaks' exit status. */
  public int send(String to, String subject) throws Exception {
    String swaks = MailStack.require("swaks");
    Process p = new ProcessBuilder(swaks, "--server", "127.0.0.1:" + port, "--to", to,
        "--from", "sender@sesame-test.invalid", "--header", "Subject: " + subject,
        "--body", "body of " + subject, "--silent", "2")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
