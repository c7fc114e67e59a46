package dev.sesame.rotate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Forwards TCP connections from LISTEN_ADDRESS:LISTEN_PORT to a target on loopback, byte for byte
 * (TLS passes through untouched). It lets mail clients reach the SES stand-in on the port the
 * vault entry names (587) while the stand-in itself listens on a random port.
 */
final class LoopbackForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;

  private LoopbackForwarder(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
    Thread acceptor = new Thread(this::acceptLoop, "forwarder-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static LoopbackForwarder start(String listenAddress, int listenPort, InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(listenAddress), listenPort), 50);
    return new LoopbackForwarder(server, target);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException closed) {
        // One side closed: close both below.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "forwarder-pump");
    pump.setDaemon(true);
    pump.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
