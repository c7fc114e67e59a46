package dev.sesame.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bare SMTP conversation over a plain socket, for looking at a server's manners without a
 * credential: greeting, EHLO capabilities, STARTTLS. Replies are multi-line aware (RFC 5321
 * section 4.2: "250-" continues, "250 " ends).
 */
final class SmtpSession implements AutoCloseable {
  static final String EHLO_NAME = "sesame-doctor.invalid";

  record Reply(int code, List<String> lines) {
    /** Capability keywords of an EHLO reply (the first line is the greeting). */
    List<String> capabilities() {
      List<String> out = new ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        out.add(lines.get(i).toUpperCase(Locale.ROOT));
      }
      return out;
    }

    boolean offers(String keyword) {
      return capabilities().stream().anyMatch(c -> c.equals(keyword) || c.startsWith(keyword + " ")
          || c.startsWith(keyword + "="));
    }

    String text() {
      return code + " " + String.join(" / ", lines);
    }
  }

  final Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpSession(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static SmtpSession connect(String host, int port, Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return new SmtpSession(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Continues the conversation over a TLS socket layered on this one. */
  void switchTo(Socket secure) throws IOException {
    this.in = secure.getInputStream();
    this.out = secure.getOutputStream();
  }

  Reply read() throws IOException {
    List<String> lines = new ArrayList<>();
    int code;
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new IOException("the server closed the connection");
      }
      if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
        throw new IOException("not an SMTP reply: " + line);
      }
      code = Integer.parseInt(line.substring(0, 3));
      lines.add(line.length() > 4 ? line.substring(4) : "");
      if (line.length() == 3 || line.charAt(3) == ' ') {
        return new Reply(code, lines);
      }
    }
  }

  Reply command(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return read();
  }

  Reply ehlo() throws IOException {
    return command("EHLO " + EHLO_NAME);
  }

  private String readLine() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != -1; ) {
      if (c == '\n') {
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == '\r') {
          b.setLength(end - 1);
        }
        return b.toString();
      }
      if (b.length() < 4096) {
        b.append((char) c);
      }
    }
    return b.length() == 0 ? null : b.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing a socket the server already dropped.
    }
  }
}
