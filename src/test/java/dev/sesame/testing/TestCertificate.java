package dev.sesame.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for FakeSes.ADDRESS, made at test time with the JDK's keytool so that no key
 * material lives in the repository. {@link #pem()} is the certificate for clients to trust.
 */
public final class TestCertificate {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private final Path keystore;
  private final Path pem;

  private TestCertificate(Path keystore, Path pem) {
    this.keystore = keystore;
    this.pem = pem;
  }

  public static TestCertificate create(Path dir) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path ks = dir.resolve("server.p12");
    Path pem = dir.resolve("server.pem");
    run(List.of(keytool.toString(), "-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize",
        "2048", "-validity", "2", "-dname", "CN=" + FakeSes.ADDRESS, "-ext", "san=ip:" + FakeSes.ADDRESS,
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PASSWORD),
        "-keypass", new String(PASSWORD)));
    run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "smtp", "-keystore",
        ks.toString(), "-storepass", new String(PASSWORD), "-file", pem.toString()));
    return new TestCertificate(ks, pem);
  }

  private static void run(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed: " + out);
    }
  }

  public Path pem() {
    return pem;
  }

  public SSLContext serverContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
