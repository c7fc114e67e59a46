package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sesame.testing.TestClock;
import dev.sesame.testing.TestCertificate;
import dev.sesame.testing.smtp.Logins;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.smtp.TestPki;
import dev.sesame.testing.smtp.WeakDhServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every diagnosis the probe can reach, each from a real SMTP exchange on loopback. */
class SmtpProbeTest {
  // An SES-shaped credential: access key id and a derived SMTP password (made up).
  static final String USER = "AKIAIOSFODNN7EXAMPLE";
  static final String PASSWORD = "BBzZ8pVw3+ItQ0cZgKEFTJzOTGo9IkDmcFStAuz8ppzR";

  @TempDir static Path dir;
  static TestPki ca;
  static TestPki.ServerCertificate good;
  static TestPki.ServerCertificate otherName;
  static TestCertificate untrusted;
  static SSLContext trustingCa;

  final List<AutoCloseable> servers = new ArrayList<>();
  final TestClock time = new TestClock();

  @BeforeAll
  static void pki() throws Exception {
    ca = TestPki.create(dir, "sesame");
    good = ca.issue("ip:" + SesStandIn.ADDRESS);
    otherName = ca.issue("dns:mail.elsewhere.test", "EC");
    untrusted = TestCertificate.create(dir); // self-signed, in no trust store
    trustingCa = TrustedCas.jvmDefaultPlus(TrustedCas.readPem(ca.caPem()));
  }

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  ProbeOptions options() {
    return ProbeOptions.defaults().withSslContext(trustingCa).withTime(time, time)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)).withJitter(() -> 0.5);
  }

  SesStandIn start(SesStandIn.Builder b) throws Exception {
    SesStandIn s = b.start();
    servers.add(s);
    return s;
  }

  SesStandIn.Builder ses(BiPredicate<String, String> accept) throws Exception {
    return SesStandIn.builder(good.serverContext(), accept);
  }

  static SmtpEndpoint at(int port) {
    return new SmtpEndpoint(SesStandIn.ADDRESS, port);
  }

  ProbeFailure failing(SmtpEndpoint endpoint, ProbeOptions options) {
    ProbeFailure f = catchThrowableOfType(
        () -> SmtpProbe.prove(endpoint, USER, PASSWORD, options), ProbeFailure.class);
    assertThat(f).as("probe should fail").isNotNull();
    assertNoCredentialIn(f);
    return f;
  }

  static void assertNoCredentialIn(Throwable f) {
    StringWriter trace = new StringWriter();
    f.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(PASSWORD).doesNotContain(USER);
    assertThat(f.getMessage()).doesNotContain("\n");
  }

  @Test
  void goodServerProvesTheCredentialWithStartTlsInOneAttempt() throws Exception {
    SesStandIn s = start(ses(Logins.only(USER, PASSWORD)));
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, options());
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.warnings()).isEmpty();
    assertThat(r.greeting()).hasValueSatisfying(g -> assertThat(g).startsWith("220"));
    assertThat(r.tlsProtocol()).hasValueSatisfying(p -> assertThat(p).startsWith("TLSv1."));
    assertThat(r.cipherSuite()).isPresent();
    assertThat(s.logins()).isEqualTo(1);
    assertThat(s.deliveries()).isEmpty(); // nothing is sent
    assertThat(r.toString()).doesNotContain(PASSWORD).doesNotContain(USER);
  }

  @Test
  void implicitTlsIsUsedWhenAsked() throws Exception {
    SesStandIn s = start(ses(Logins.only(USER, PASSWORD)).implicitTls());
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, options().withTlsMode(TlsMode.IMPLICIT));
    assertThat(r.tlsProtocol()).isPresent();
    assertThat(s.logins()).isEqualTo(1);
  }

  @Test
  void authAdvertisedBeforeTlsIsAWarningNotAFailure() throws Exception {
    SesStandIn s = start(ses(Logins.only(USER, PASSWORD)).authBeforeTls());
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, options());
    assertThat(r.warnings()).containsExactly(Diagnosis.AUTH_BEFORE_TLS);
    assertThat(r.tlsProtocol()).isPresent(); // it still logged in over TLS only
  }

  @Test
  void authInClearWithoutStartTlsIsStartTlsMissingAndNoLoginIsSent() throws Exception {
    SesStandIn s = start(ses(Logins.only(USER, PASSWORD)).withoutStartTls());
    ProbeFailure f = failing(at(s.port()), options());
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.STARTTLS_MISSING);
    assertThat(f.warnings()).containsExactly(Diagnosis.AUTH_BEFORE_TLS);
    assertThat(f.attempts()).isEqualTo(1);
    assertThat(s.logins()).isZero();
    assertThat(f.getMessage()).contains("does not offer STARTTLS").contains(at(s.port()).toString());
  }

  @Test
  void serverWithoutStartTlsOrAuthIsStartTlsMissing() throws Exception {
    SesStandIn s = start(ses(Logins.nobody()).withoutStartTls().withoutAuth());
    ProbeFailure f = failing(at(s.port()), options());
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.STARTTLS_MISSING);
    assertThat(f.warnings()).isEmpty();
  }

  @Test
  void serverWithoutAuthAfterTlsIsAuthNotOffered() throws Exception {
    SesStandIn s = start(ses(Logins.nobody()).withoutAuth());
    assertThat(failing(at(s.port()), options()).diagnosis()).isEqualTo(Diagnosis.AUTH_NOT_OFFERED);
  }

  @Test
  void certificateFromAnUntrustedCaIsCertUntrusted() throws Exception {
    SesStandIn s = start(SesStandIn.builder(untrusted.serverContext(), Logins.only(USER, PASSWORD)));
    ProbeFailure f = failing(at(s.port()), options());
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.CERT_UNTRUSTED);
    assertThat(f.getMessage()).contains("SESAME_SMTP_CA_FILE");
    assertThat(s.logins()).isZero();
  }

  @Test
  void theCaFileMakesThatCertificateTrusted() throws Exception {
    SesStandIn s = start(SesStandIn.builder(untrusted.serverContext(), Logins.only(USER, PASSWORD)));
    ProbeSettings settings = ProbeSettings.fromEnvironment(
        java.util.Map.of("SESAME_SMTP_CA_FILE", untrusted.pem().toString()));
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, settings.applyTo(options()));
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void certificateForAnotherNameIsHostnameMismatch() throws Exception {
    SesStandIn s = start(SesStandIn.builder(otherName.serverContext(), Logins.only(USER, PASSWORD)));
    ProbeFailure f = failing(at(s.port()), options());
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.HOSTNAME_MISMATCH);
    assertThat(s.logins()).isZero();
  }

  @Test
  void dheGroupBelow1024BitsIsDhTooSmall() throws Exception {
    WeakDhServer s = WeakDhServer.start(good.keystore(), "legacy", dir);
    servers.add(s);
    ProbeFailure f = failing(at(s.port()), options());
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.DH_TOO_SMALL);
    assertThat(f.getMessage()).contains("ECDHE").contains("do not weaken the JVM");
  }

  @Test
  void jdk17StillAccepts1024BitDhe() throws Exception {
    // A fact for doctor's smtp.dhe check: the probe cannot be the one to flag a 1024-bit group.
    WeakDhServer s = WeakDhServer.start(good.keystore(), "1024", dir);
    servers.add(s);
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, options());
    assertThat(r.cipherSuite()).contains("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void newKeyRefusedWhilePropagatingSucceedsAfterRetries() throws Exception {
    SesStandIn s = start(ses(Logins.afterRefusals(3, Logins.only(USER, PASSWORD))));
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, options());
    assertThat(r.attempts()).isEqualTo(4);
    assertThat(s.refusedLogins()).isEqualTo(3);
    assertThat(time.pauses()).hasSize(3);
    assertThat(r.elapsed()).isEqualTo(time.slept());
  }

  @Test
  void propagationMeasuredOnTheClockAlsoEndsInSuccess() throws Exception {
    SesStandIn s = start(ses(Logins.afterDelay(Duration.ofSeconds(8), time, Logins.only(USER, PASSWORD))));
    ProbeResult r = SmtpProbe.prove(at(s.port()), USER, PASSWORD, options());
    assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
    assertThat(r.attempts()).isGreaterThan(1);
  }

  @Test
  void neverAcceptedLoginIsAuthRejectedOnceTheDeadlinePasses() throws Exception {
    SesStandIn s = start(ses(Logins.nobody()));
    ProbeFailure f = failing(at(s.port()), options().withDeadline(Duration.ofSeconds(30)));
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.AUTH_REJECTED);
    assertThat(f.attempts()).isGreaterThan(1).isEqualTo(s.logins());
    assertThat(f.elapsed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(30));
    assertThat(f.getMessage())
        .contains("SMTP password derived for")
        .contains("not the IAM secret access key")
        .contains("still failing after " + f.attempts() + " attempts over 30 s")
        .contains("[server: 535");
  }

  @Test
  void theIamSecretInsteadOfTheDerivedPasswordIsRefusedWithoutLeakingEither() throws Exception {
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    SesStandIn s = start(ses(Logins.only(USER, PASSWORD)));
    ProbeFailure f = catchThrowableOfType(() -> SmtpProbe.prove(at(s.port()), USER, secret,
        options().withDeadline(Duration.ofSeconds(5))), ProbeFailure.class);
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.AUTH_REJECTED);
    StringWriter trace = new StringWriter();
    f.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(secret).doesNotContain(USER);
  }

  @Test
  void nothingListeningIsConnectFailedWithHostAndPortAndNoRetry() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(SesStandIn.ADDRESS))) {
      port = probe.getLocalPort();
    }
    ProbeFailure f = failing(at(port), options());
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.CONNECT_FAILED);
    assertThat(f.attempts()).isEqualTo(1);
    assertThat(f.getMessage()).contains(SesStandIn.ADDRESS + ":" + port).contains("connection refused");
  }

  @Test
  void silentServerIsTimeoutRetriedUntilTheDeadline() throws Exception {
    ServerSocket silent = new ServerSocket(0, 10, InetAddress.getByName(SesStandIn.ADDRESS));
    List<Socket> held = new ArrayList<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          held.add(silent.accept()); // accepted, never greeted
        }
      } catch (Exception closed) {
        // the test is over
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    servers.add(silent);
    ProbeOptions quick = options().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300))
        .withDeadline(Duration.ofSeconds(2)).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .withJitter(() -> 1.0);
    ProbeFailure f = failing(at(silent.getLocalPort()), quick);
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.TIMEOUT);
    assertThat(f.attempts()).isEqualTo(3);
  }
}
