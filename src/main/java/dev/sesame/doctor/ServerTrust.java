package dev.sesame.doctor;

import dev.sesame.ses.TrustedCas;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The trust a mail client of this host would apply: the JVM's anchors plus SESAME_SMTP_CA_FILE's,
 * and the RFC 6125 host-name match (subjectAltName dNSName with at most a whole left-most '*'
 * label, or iPAddress; the subject CN only when there is no SAN at all, as the JDK does).
 */
final class ServerTrust {
  private ServerTrust() {}

  static X509TrustManager trustManager(Optional<java.nio.file.Path> caFile)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jvm.init((KeyStore) null);
    if (caFile.isEmpty()) {
      return first(jvm.getTrustManagers());
    }
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    int i = 0;
    for (X509Certificate c : first(jvm.getTrustManagers()).getAcceptedIssuers()) {
      anchors.setCertificateEntry("jvm-" + i++, c);
    }
    i = 0;
    for (X509Certificate c : TrustedCas.readPem(caFile.get())) {
      anchors.setCertificateEntry("extra-" + i++, c);
    }
    TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    both.init(anchors);
    return first(both.getTrustManagers());
  }

  private static X509TrustManager first(TrustManager[] managers) throws GeneralSecurityException {
    for (TrustManager tm : managers) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JVM has no X.509 trust manager");
  }

  /** Whether LEAF is valid for HOST (a DNS name or an IP address literal). */
  static boolean matchesHost(X509Certificate leaf, String host) {
    String wanted = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    boolean ipLiteral = wanted.matches("[0-9.]+") || wanted.contains(":");
    List<String> dnsNames = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dnsNames.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
          } else if (type == 7) {
            ips.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    if (ipLiteral) {
      try {
        InetAddress want = InetAddress.getByName(wanted);
        for (String ip : ips) {
          if (InetAddress.getByName(ip).equals(want)) {
            return true;
          }
        }
      } catch (IOException e) {
        return false;
      }
      return false;
    }
    if (dnsNames.isEmpty() && ips.isEmpty()) {
      dnsNames.add(commonName(leaf.getSubjectX500Principal()).toLowerCase(Locale.ROOT));
    }
    for (String name : dnsNames) {
      if (name.equals(wanted)) {
        return true;
      }
      if (name.startsWith("*.") && wanted.indexOf('.') > 0
          && wanted.substring(wanted.indexOf('.') + 1).equals(name.substring(2))) {
        return true;
      }
    }
    return false;
  }

  /** The SAN names of LEAF, for messages. */
  static String names(X509Certificate leaf) {
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans == null || sans.isEmpty()) {
        return "CN=" + commonName(leaf.getSubjectX500Principal());
      }
      List<String> out = new ArrayList<>();
      sans.forEach(s -> out.add(String.valueOf(s.get(1))));
      return String.join(", ", out);
    } catch (CertificateParsingException e) {
      return "?";
    }
  }

  private static String commonName(X500Principal subject) {
    for (String part : subject.getName(X500Principal.RFC2253).split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return "";
  }
}
