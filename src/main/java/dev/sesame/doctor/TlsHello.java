package dev.sesame.doctor;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * A hand-written TLS 1.2-or-older ClientHello and a reader for the server's first flight, to
 * learn what a server ACCEPTS rather than what the JVM is willing to negotiate: JDK 17 will not
 * offer TLS 1.0/1.1 and silently accepts 1024-bit DHE, so neither question can be answered by a
 * normal handshake. Only the server's hello messages are read; the handshake is then abandoned.
 * Wire formats: RFC 5246 sections 6.2 (records), 7.4.1 (hellos), 7.4.3 (ServerKeyExchange, with
 * ServerDHParams dh_p, dh_g, dh_Ys).
 */
final class TlsHello {
  // One generator for every ClientHello: a new SecureRandom per call would be seeded each time.
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the server answered: the version and suite it chose, and the DH prime's size if any. */
  record ServerAnswer(int version, int cipherSuite, Optional<Integer> dhPrimeBits) {}

  /** The server refused (an alert, or it hung up): none of the offered versions or suites suit it. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  // TLS_DHE_{RSA,DSS}_* suites: GCM, CBC-SHA256, CBC-SHA, ChaCha20 (IANA TLS Cipher Suites registry).
  static final int[] DHE_SUITES = {0x009E, 0x009F, 0x00A2, 0x00A3, 0x0067, 0x006B, 0x0040, 0x006A,
      0x0033, 0x0039, 0x0032, 0x0038, 0xCCAA};
  // Suites a TLS 1.0/1.1 server would pick: ECDHE and RSA key exchange with AES-CBC-SHA, and DHE.
  static final int[] LEGACY_SUITES = {0xC013, 0xC014, 0xC009, 0xC00A, 0x002F, 0x0035, 0x0033, 0x0039, 0x000A};

  static final int TLS_1_1 = 0x0302;
  static final int TLS_1_2 = 0x0303;

  private TlsHello() {}

  /** Sends a ClientHello for VERSION offering SUITES on SOCKET, and reads the server's answer. */
  static ServerAnswer probe(Socket socket, String host, int version, int[] suites) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(clientHello(host, version, suites));
    out.flush();
    return readServerFlight(new DataInputStream(socket.getInputStream()));
  }

  static byte[] clientHello(String host, int version, int[] suites) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, version);
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    body.writeBytes(random);
    body.write(0); // no session id
    u16(body, suites.length * 2);
    for (int suite : suites) {
      u16(body, suite);
    }
    body.write(1);
    body.write(0); // null compression only
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    if (host.chars().anyMatch(Character::isLetter) && !host.contains(":")) {
      byte[] name = host.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      u16(ext, 0x0000); // server_name (RFC 6066)
      u16(ext, name.length + 5);
      u16(ext, name.length + 3);
      ext.write(0);
      u16(ext, name.length);
      ext.writeBytes(name);
    }
    // signature_algorithms (RFC 5246 7.4.1.4.1): SHA-256/384/512 and SHA-1 with RSA, ECDSA, RSA-PSS.
    int[] sigalgs = {0x0401, 0x0501, 0x0601, 0x0804, 0x0805, 0x0806, 0x0403, 0x0503, 0x0201, 0x0203, 0x0402};
    u16(ext, 0x000D);
    u16(ext, sigalgs.length * 2 + 2);
    u16(ext, sigalgs.length * 2);
    for (int alg : sigalgs) {
      u16(ext, alg);
    }
    if (version <= TLS_1_1) {
      // ECDHE needs named curves and point formats (RFC 8422): secp256r1, secp384r1, x25519.
      u16(ext, 0x000A);
      u16(ext, 8);
      u16(ext, 6);
      u16(ext, 0x0017);
      u16(ext, 0x0018);
      u16(ext, 0x001D);
      u16(ext, 0x000B);
      u16(ext, 2);
      ext.write(1);
      ext.write(0);
    }
    u16(ext, 0xFF01); // renegotiation_info, empty (RFC 5746)
    u16(ext, 1);
    ext.write(0);
    u16(body, ext.size());
    body.writeBytes(ext.toByteArray());

    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    handshake.write(1); // client_hello
    u24(handshake, body.size());
    handshake.writeBytes(body.toByteArray());
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(22); // handshake
    u16(record, 0x0301); // record version: TLS 1.0 for the widest acceptance, as browsers do
    u16(record, handshake.size());
    record.writeBytes(handshake.toByteArray());
    return record.toByteArray();
  }

  private static ServerAnswer readServerFlight(DataInputStream in) throws IOException {
    ByteArrayOutputStream handshakes = new ByteArrayOutputStream();
    int version = -1;
    int suite = -1;
    int offset = 0;
    while (true) {
      int type = in.read();
      if (type < 0) {
        throw new Refused("the server closed the connection");
      }
      in.readUnsignedShort();
      int length = in.readUnsignedShort();
      byte[] fragment = new byte[length];
      in.readFully(fragment);
      if (type == 21) {
        throw new Refused("alert " + (fragment.length > 1 ? fragment[1] & 0xFF : -1));
      }
      if (type != 22) {
        throw new IOException("unexpected TLS record type " + type);
      }
      handshakes.writeBytes(fragment);
      byte[] all = handshakes.toByteArray();
      while (all.length - offset >= 4) {
        int msgType = all[offset] & 0xFF;
        int msgLength = ((all[offset + 1] & 0xFF) << 16) | ((all[offset + 2] & 0xFF) << 8) | (all[offset + 3] & 0xFF);
        if (all.length - offset - 4 < msgLength) {
          break;
        }
        int start = offset + 4;
        offset = start + msgLength;
        switch (msgType) {
          case 2 -> { // server_hello: version, random[32], session id, cipher suite
            version = ((all[start] & 0xFF) << 8) | (all[start + 1] & 0xFF);
            int sessionLength = all[start + 34] & 0xFF;
            int at = start + 35 + sessionLength;
            suite = ((all[at] & 0xFF) << 8) | (all[at + 1] & 0xFF);
          }
          case 12 -> { // server_key_exchange
            if (isDhe(suite)) {
              int pLength = ((all[start] & 0xFF) << 8) | (all[start + 1] & 0xFF);
              byte[] p = new byte[pLength];
              System.arraycopy(all, start + 2, p, 0, pLength);
              return new ServerAnswer(version, suite, Optional.of(new BigInteger(1, p).bitLength()));
            }
            return new ServerAnswer(version, suite, Optional.empty());
          }
          case 14 -> { // server_hello_done: no key exchange message (RSA key transport)
            return new ServerAnswer(version, suite, Optional.empty());
          }
          default -> { }
        }
      }
    }
  }

  static boolean isDhe(int suite) {
    for (int s : DHE_SUITES) {
      if (s == suite) {
        return true;
      }
    }
    return false;
  }

  static String versionName(int version) {
    return switch (version) {
      case 0x0300 -> "SSLv3";
      case 0x0301 -> "TLSv1";
      case 0x0302 -> "TLSv1.1";
      case 0x0303 -> "TLSv1.2";
      case 0x0304 -> "TLSv1.3";
      default -> String.format("0x%04x", version);
    };
  }

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write((value >>> 8) & 0xFF);
    out.write(value & 0xFF);
  }

  private static void u24(ByteArrayOutputStream out, int value) {
    out.write((value >>> 16) & 0xFF);
    u16(out, value & 0xFFFF);
  }

}
