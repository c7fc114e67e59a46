package dev.sesame.testing.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made in process with Bouncy Castle's bcpkix at test time (no key
 * material in the repository, no keytool child JVM): {@link #caPem()} is what a client trusts,
 * {@link #issue} makes server certificates signed by it for any subjectAltName.
 */
public final class TestPki {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final Path caPem;
  private int issued;

  private TestPki(Path dir, String name, KeyPair caKeys, X509Certificate caCertificate, Path caPem) {
    this.dir = dir;
    this.name = name;
    this.caKeys = caKeys;
    this.caCertificate = caCertificate;
    this.caPem = caPem;
  }

  /** A new CA called NAME whose files live in DIR. */
  public static TestPki create(Path dir, String name) throws IOException {
    KeyPair keys = keyPair("EC");
    X500Name subject = new X500Name("CN=Sesame test CA " + name);
    X509Certificate ca = sign(subject, keys, subject, keys, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    });
    Path pem = dir.resolve(name + "-ca.pem");
    writePem(pem, ca);
    return new TestPki(dir, name, keys, ca, pem);
  }

  /**
   * A self-signed server certificate for SAN ("ip:127.0.0.2", "dns:mail.example.test") that no trust
   * store holds, written as a PEM (the certificate) and a PKCS12 key store (key and certificate).
   */
  public static ServerCertificate selfSigned(Path dir, String name, String san) throws IOException {
    KeyPair keys = keyPair("RSA");
    X500Name subject = new X500Name("CN=" + commonName(san));
    X509Certificate certificate = sign(subject, keys, subject, keys, builder -> serverExtensions(builder, san));
    return store(dir, name, keys, new X509Certificate[] {certificate});
  }

  public Path caPem() {
    return caPem;
  }

  /** A server certificate with SAN ("ip:127.0.0.2", "dns:mail.example.test") and an RSA key (TLS_DHE_RSA_* suites need one). */
  public ServerCertificate issue(String san) throws IOException {
    return issue(san, "RSA");
  }

  /** As {@link #issue(String)} with KEY_ALGORITHM "RSA" or "EC". */
  public ServerCertificate issue(String san, String keyAlgorithm) throws IOException {
    KeyPair keys = keyPair(keyAlgorithm);
    X500Name subject = new X500Name("CN=" + commonName(san));
    X509Certificate leaf = sign(subject, keys, X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
        caKeys, builder -> serverExtensions(builder, san));
    return store(dir, name + "-leaf" + (++issued), keys, new X509Certificate[] {leaf, caCertificate});
  }

  /**
   * A server key with its chain: the leaf as PEM, an in-process {@link #serverContext()}, and on
   * request a key store file (PKCS12, password "changeit") for servers in JVMs of their own.
   *
   * <p>The key store file is written only when asked for, and the context is built in memory with a
   * one-iteration key protection: PKCS12's default protection runs PBKDF2 10,000 times for the
   * key, again for the certificates and again for the MAC, on writing and on reading, which was
   * about half the CPU of an in-process TLS test's set-up. These keys live for one test.
   */
  public static final class ServerCertificate {
    private final Path keystore;
    private final Path pem;
    private final PrivateKey key;
    private final X509Certificate[] chain;
    private boolean keystoreWritten;

    ServerCertificate(Path keystore, Path pem, PrivateKey key, X509Certificate[] chain) {
      this.keystore = keystore;
      this.pem = pem;
      this.key = key;
      this.chain = chain.clone();
    }

    /** The leaf certificate as PEM. */
    public Path pem() {
      return pem;
    }

    /** The key store file (PKCS12, password "changeit"), written on first call. */
    public synchronized Path keystore() throws IOException {
      if (!keystoreWritten) {
        try (OutputStream out = Files.newOutputStream(keystore)) {
          KeyStore ks = KeyStore.getInstance("PKCS12");
          ks.load(null, null);
          ks.setKeyEntry("server", key, PASSWORD, chain);
          ks.store(out, PASSWORD);
        } catch (GeneralSecurityException e) {
          throw new IOException("cannot write a test key store", e);
        }
        keystoreWritten = true;
      }
      return keystore;
    }

    public SSLContext serverContext() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      ks.setEntry("server", new KeyStore.PrivateKeyEntry(key, chain), new KeyStore.PasswordProtection(PASSWORD,
          "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(salt, 1, new IvParameterSpec(new byte[16]))));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    }
  }

  /** The value of SAN's first name, as the subject's common name. */
  private static String commonName(String san) {
    String first = san.split(",")[0];
    return first.substring(first.indexOf(':') + 1);
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  /** SAN: one or more "kind:value" names, comma-separated ("dns:email-smtp.example,ip:127.0.0.2"). */
  private static void serverExtensions(X509v3CertificateBuilder builder, String san) throws IOException {
    List<GeneralName> names = new ArrayList<>();
    for (String one : san.split(",")) {
      String kind = one.substring(0, one.indexOf(':'));
      String value = one.substring(one.indexOf(':') + 1);
      names.add(new GeneralName(kind.equalsIgnoreCase("ip") ? GeneralName.iPAddress : GeneralName.dNSName, value));
    }
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
    builder.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      Extensions extensions) throws IOException {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
          subjectKeys.getPublic());
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
      extensions.add(builder);
      String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IOException("cannot make a test certificate", e);
    }
  }

  /**
   * One RSA key pair for every RSA certificate this JVM makes: generating a 2048-bit pair costs
   * about 0.9 s of CPU under C1 (the test JVMs' compiler), and some twenty test classes each made
   * one or two. A certificate's trust comes from its signature and its issuer, not from its key
   * being unique, so the certificates stay as distinct as before. EC pairs are cheap and stay fresh.
   */
  private static KeyPair sharedRsaKeys;

  private static synchronized KeyPair keyPair(String algorithm) throws IOException {
    if (algorithm.equals("RSA")) {
      if (sharedRsaKeys == null) {
        sharedRsaKeys = freshKeyPair(algorithm);
      }
      return sharedRsaKeys;
    }
    return freshKeyPair(algorithm);
  }

  private static KeyPair freshKeyPair(String algorithm) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        generator.initialize(2048, RANDOM);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a test key pair", e);
    }
  }

  private static ServerCertificate store(Path dir, String name, KeyPair keys, X509Certificate[] chain)
      throws IOException {
    Path pem = dir.resolve(name + ".pem");
    writePem(pem, chain[0]);
    return new ServerCertificate(dir.resolve(name + ".p12"), pem, keys.getPrivate(), chain);
  }

  private static void writePem(Path file, Certificate certificate) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(certificate);
    }
    Files.writeString(file, text.toString());
  }
}
