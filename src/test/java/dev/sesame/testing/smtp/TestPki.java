package dev.sesame.testing.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throw-away certificate authority made with the JDK's keytool at test time (no key material in
 * the repository): {@link #caPem()} is what a client trusts, {@link #issue} makes server
 * certificates signed by it for any subjectAltName.
 */
public final class TestPki {
  private static final String PASSWORD = "changeit";
  private final Path dir;
  private final String name;
  private final Path caStore;
  private final Path caPem;
  private int issued;

  private TestPki(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    this.caStore = dir.resolve(name + "-ca.p12");
    this.caPem = dir.resolve(name + "-ca.pem");
  }

  /** A new CA called NAME whose files live in DIR. */
  public static TestPki create(Path dir, String name) throws IOException, InterruptedException {
    TestPki pki = new TestPki(dir, name);
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-validity", "2", "-dname", "CN=Sesame test CA " + name, "-ext", "bc:c",
        "-ext", "ku:c=keyCertSign,cRLSign", "-keystore", pki.caStore.toString());
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", pki.caStore.toString(),
        "-file", pki.caPem.toString());
    return pki;
  }

  public Path caPem() {
    return caPem;
  }

  /**
   * A server certificate with SAN (keytool syntax: "ip:127.0.0.2", "dns:mail.example.test") and an
   * RSA key (TLS_DHE_RSA_* suites need one).
   */
  public ServerCertificate issue(String san) throws IOException, InterruptedException {
    return issue(san, "RSA");
  }

  /** As {@link #issue(String)} with KEY_ALGORITHM "RSA" or "EC" (EC is much quicker to make). */
  public ServerCertificate issue(String san, String keyAlgorithm)
      throws IOException, InterruptedException {
    String leaf = name + "-leaf" + (++issued);
    Path store = dir.resolve(leaf + ".p12");
    Path csr = dir.resolve(leaf + ".csr");
    Path pem = dir.resolve(leaf + ".pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", keyAlgorithm,
        "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048",
        "-validity", "2", "-dname", "CN=" + san.substring(san.indexOf(':') + 1),
        "-keystore", store.toString());
    keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-file", csr.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-infile", csr.toString(),
        "-outfile", pem.toString(), "-rfc", "-validity", "2", "-ext", "san=" + san,
        "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=serverAuth");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", store.toString());
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", pem.toString(),
        "-keystore", store.toString());
    return new ServerCertificate(store);
  }

  /** A key store holding a server key and its chain. */
  public record ServerCertificate(Path keystore) {
    public SSLContext serverContext() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // keytool is a fresh JVM each time: C1 only and the serial collector halve its start-up.
    argv.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    argv.addAll(List.of(args));
    argv.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + out);
    }
  }
}
