package dev.sesame.testing.smtp;

import dev.sesame.testing.ChildJava;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server whose TLS speaks only TLS 1.2 with TLS_DHE_RSA_* and a small Diffie-Hellman
 * group: the "dh key too small" appliance. It runs in a child JVM whose own security properties
 * allow the small group, so the client side stays the test's normal JVM and its refusal is real.
 * In the child, jdk.tls.ephemeralDHKeySize picks the group: "legacy" (768 bits, below JDK 17's
 * "DH keySize < 1024" limit) or 1024 (which JDK 17 still accepts).
 * After the handshake it accepts any AUTH, so a client that tolerates the group logs in.
 */
public final class WeakDhServer implements AutoCloseable {
  private static final String SUITE = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
  private final Process process;
  private final int port;

  private WeakDhServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the child on {@link SesStandIn#ADDRESS} with KEYSTORE (PKCS12, password "changeit")
   * and DH_KEY_SIZE as jdk.tls.ephemeralDHKeySize ("legacy" or a bit count); DIR takes a file.
   */
  public static WeakDhServer start(Path keystore, String dhKeySize, Path dir) throws Exception {
    Path security = dir.resolve("weak-dh-server.security");
    // Only the server JVM: lift its "DH keySize < 1024" so it may offer the small group.
    Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, NULL\n");
    List<String> argv = new ArrayList<>(ChildJava.command(List.of("-Djava.security.properties=" + security,
        "-Djdk.tls.ephemeralDHKeySize=" + dhKeySize), WeakDhServer.class.getName()));
    argv.add(keystore.toString());
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    String line = out.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("weak DH server did not start: " + line);
    }
    return new WeakDhServer(p, Integer.parseInt(line.substring(5).trim()));
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** The child: ARGS[0] is the key store. Prints "PORT n", serves until killed. */
  public static void main(String[] args) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName(SesStandIn.ADDRESS))) {
      System.out.println("PORT " + listener.getLocalPort());
      System.out.flush();
      while (true) {
        Socket client = listener.accept();
        Thread t = new Thread(() -> serve(client, tls));
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void serve(Socket plain, SSLContext tls) {
    try (Socket s = plain) {
      s.setSoTimeout(10_000);
      Conversation c = new Conversation(s.getInputStream(), s.getOutputStream());
      c.reply("220 weak-dh.test ESMTP");
      for (String line; (line = c.read()) != null; ) {
        String verb = line.split(" ", 2)[0].toUpperCase();
        if (verb.equals("EHLO")) {
          c.reply("250-weak-dh.test\r\n250 STARTTLS");
        } else if (verb.equals("STARTTLS")) {
          c.reply("220 2.0.0 Ready to start TLS");
          SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false);
          secure.setUseClientMode(false);
          secure.setEnabledProtocols(new String[] {"TLSv1.2"});
          secure.setEnabledCipherSuites(new String[] {SUITE});
          secure.startHandshake();
          afterTls(new Conversation(secure.getInputStream(), secure.getOutputStream()));
          return;
        } else if (verb.equals("QUIT")) {
          c.reply("221 Bye");
          return;
        } else {
          c.reply("530 5.7.0 Must issue a STARTTLS command first");
        }
      }
    } catch (IOException e) {
      // The client gave up (as it should on a small group); nothing to report here.
    }
  }

  private static void afterTls(Conversation c) throws IOException {
    for (String line; (line = c.read()) != null; ) {
      String[] words = line.split(" ");
      String verb = words[0].toUpperCase();
      if (verb.equals("EHLO")) {
        c.reply("250-weak-dh.test\r\n250 AUTH PLAIN LOGIN");
      } else if (verb.equals("AUTH")) {
        int answers = words[1].equalsIgnoreCase("LOGIN") ? 2 : (words.length > 2 ? 0 : 1);
        for (int i = 0; i < answers; i++) {
          c.reply("334 ");
          c.read();
        }
        c.reply("235 2.7.0 Authentication successful");
      } else if (verb.equals("QUIT")) {
        c.reply("221 Bye");
        return;
      } else {
        c.reply("250 Ok");
      }
    }
  }

  private record Conversation(InputStream in, OutputStream out) {
    String read() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int ch; (ch = in.read()) != -1; ) {
        if (ch == '\n') {
          return b.toString().strip();
        }
        b.append((char) ch);
      }
      return b.length() == 0 ? null : b.toString();
    }

    void reply(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }
}
