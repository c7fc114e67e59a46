package dev.sesame.ses;

import dev.sesame.files.RegularFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for the probe: the JVM's default trust anchors plus extra CA certificates. One PKIX
 * trust manager over the union of both keeps the JDK's own path and hostname checks intact (an
 * X509ExtendedTrustManager, so the endpoint identification Angus asks for still happens).
 */
public final class TrustedCas {
  private static final int MAX_PEM_BYTES = 16 * 1024 * 1024;

  private TrustedCas() {}

  /** Every certificate in a PEM file (several may follow each other); at least one. */
  public static List<X509Certificate> readPem(Path pem) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(RegularFiles.read(pem, "CA file", MAX_PEM_BYTES))) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException(pem + " holds no PEM certificate");
    }
    return out;
  }

  /** An SSLContext trusting the JVM's default anchors and EXTRA. */
  public static SSLContext jvmDefaultPlus(List<X509Certificate> extra) throws GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      anchors.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot create an empty key store", e);
    }
    int i = 0;
    for (X509Certificate c : defaultTrustManager().getAcceptedIssuers()) {
      anchors.setCertificateEntry("jvm-" + i++, c);
    }
    i = 0;
    for (X509Certificate c : extra) {
      anchors.setCertificateEntry("extra-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JVM has no X.509 trust manager");
  }
}
