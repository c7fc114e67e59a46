package dev.sesame.doctor;

import dev.sesame.testing.ChildJava;
import dev.sesame.testing.smtp.SesStandIn;
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
 * A STARTTLS server with an old appliance's manners, in a child JVM whose security properties
 * allow TLS 1.0/1.1 (the test JVM's stay as shipped): it speaks the TLS versions it is told, and
 * optionally accepts AUTH LOGIN before STARTTLS although it does not advertise it.
 */
final class LegacyTlsServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private LegacyTlsServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** PROTOCOLS like "TLSv1.1,TLSv1.2"; KEYSTORE is PKCS12 with password "changeit". */
  static LegacyTlsServer start(Path keystore, String protocols, boolean hiddenAuthInClear, Path dir) throws Exception {
    Path security = dir.resolve("legacy-tls.security");
    Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, NULL\n");
    List<String> argv = new ArrayList<>(ChildJava.command(List.of("-Djava.security.properties=" + security),
        LegacyTlsServer.class.getName()));
    argv.addAll(List.of(keystore.toString(), protocols, Boolean.toString(hiddenAuthInClear)));
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("legacy TLS server did not start: " + line);
    }
    return new LegacyTlsServer(p, Integer.parseInt(line.substring(5).trim()));
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  public static void main(String[] args) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    String[] protocols = args[1].split(",");
    boolean hiddenAuth = Boolean.parseBoolean(args[2]);
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName(SesStandIn.ADDRESS))) {
      System.out.println("PORT " + listener.getLocalPort());
      System.out.flush();
      while (true) {
        Socket client = listener.accept();
        Thread t = new Thread(() -> serve(client, tls, protocols, hiddenAuth));
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void serve(Socket plain, SSLContext tls, String[] protocols, boolean hiddenAuth) {
    try (Socket s = plain) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      reply(out, "220 legacy.test ESMTP");
      for (String line; (line = read(in)) != null; ) {
        String verb = line.split(" ", 2)[0].toUpperCase();
        switch (verb) {
          case "EHLO" -> reply(out, "250-legacy.test\r\n250-PIPELINING\r\n250 STARTTLS");
          case "AUTH" -> reply(out, hiddenAuth ? "334 VXNlcm5hbWU6" : "530 5.7.0 Must issue a STARTTLS command first");
          case "*" -> reply(out, "501 5.7.0 Authentication cancelled");
          case "STARTTLS" -> {
            reply(out, "220 2.0.0 Ready to start TLS");
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false);
            secure.setUseClientMode(false);
            secure.setEnabledProtocols(protocols);
            secure.startHandshake();
            InputStream tin = secure.getInputStream();
            OutputStream tout = secure.getOutputStream();
            for (String t; (t = read(tin)) != null; ) {
              String v = t.split(" ", 2)[0].toUpperCase();
              if (v.equals("EHLO")) {
                reply(tout, "250-legacy.test\r\n250 AUTH PLAIN LOGIN");
              } else if (v.equals("QUIT")) {
                reply(tout, "221 Bye");
                return;
              } else {
                reply(tout, "250 Ok");
              }
            }
            return;
          }
          case "QUIT" -> {
            reply(out, "221 Bye");
            return;
          }
          default -> reply(out, "250 Ok");
        }
      }
    } catch (IOException e) {
      // The client abandoned the handshake (as the doctor's probes do).
    }
  }

  private static String read(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int ch; (ch = in.read()) != -1; ) {
      if (ch == '\n') {
        return b.toString().strip();
      }
      b.append((char) ch);
    }
    return b.length() == 0 ? null : b.toString();
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
