package dev.sesame.testing;

import dev.sesame.testing.smtp.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for SesStandIn.ADDRESS, made in process at test time (no key material in
 * the repository). {@link #pem()} is the certificate for clients to trust.
 */
public final class TestCertificate {
  private final TestPki.ServerCertificate certificate;

  private TestCertificate(TestPki.ServerCertificate certificate) {
    this.certificate = certificate;
  }

  public static TestCertificate create(Path dir) throws IOException {
    return new TestCertificate(TestPki.selfSigned(dir, "server", "ip:" + dev.sesame.testing.smtp.SesStandIn.ADDRESS));
  }

  public Path pem() {
    return certificate.pem();
  }

  public SSLContext serverContext() throws Exception {
    return certificate.serverContext();
  }
}
