package dev.sesame.testing.dns;

import dev.sesame.testing.MailStack;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq on 127.0.0.1 at a free high port, serving only what the test's config lines say
 * (txt-record=, cname=, host-record=, local=), with no upstream and no /etc/hosts. Started in
 * the foreground as the test's child, stopped by pid.
 */
public final class Dnsmasq implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private Dnsmasq(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts dnsmasq with LINES (dnsmasq.conf syntax) in DIR; returns once it answers. */
  public static Dnsmasq start(Path dir, List<String> lines) throws Exception {
    String dnsmasq = MailStack.require("dnsmasq");
    int port = freePort();
    List<String> conf = new ArrayList<>(List.of("port=" + port, "listen-address=127.0.0.1", "bind-interfaces",
        "no-resolv", "no-hosts", "no-poll", "user=root", "group=root"));
    conf.addAll(lines);
    Path file = dir.resolve("dnsmasq.conf");
    Files.write(file, conf);
    Path log = dir.resolve("dnsmasq.log");
    Process p = new ProcessBuilder(dnsmasq, "--keep-in-foreground", "--conf-file=" + file,
        "--pid-file=" + dir.resolve("dnsmasq.pid"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Dnsmasq server = new Dnsmasq(p, port, log);
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (!p.isAlive()) {
        throw new IllegalStateException("dnsmasq exited: " + Files.readString(log));
      }
      if (server.answers()) {
        return server;
      }
      Thread.sleep(50);
    }
    server.close();
    throw new IllegalStateException("dnsmasq did not answer on port " + port + ": " + Files.readString(log));
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** "127.0.0.1:PORT", as --resolver takes it. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  private boolean answers() throws IOException {
    SimpleResolver resolver = new SimpleResolver(address());
    resolver.setTimeout(Duration.ofMillis(300));
    Lookup probe = new Lookup(Name.fromString("version.bind."), Type.TXT, org.xbill.DNS.DClass.CH);
    probe.setResolver(resolver);
    probe.setCache(null);
    probe.run();
    return probe.getResult() != Lookup.TRY_AGAIN;
  }

  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
          return port;
        } catch (IOException taken) {
          // The UDP port is in use: try another.
        }
      }
    }
    throw new IOException("no free port for dnsmasq");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
