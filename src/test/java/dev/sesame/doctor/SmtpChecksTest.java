package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.ses.SmtpEndpoint;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.smtp.TestPki;
import dev.sesame.testing.smtp.WeakDhServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smtp.* against real SMTP servers on loopback: good, AUTH in clear, no STARTTLS, bad certificates, weak DHE, TLS 1.1. */
class SmtpChecksTest {
  private static final CoverageTable COVERAGE = new CoverageTable("SmtpChecksTest");
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki.ServerCertificate good;
  private static TestPki.ServerCertificate otherName;
  private static TestPki.ServerCertificate untrusted;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.create(dir, "doctor");
    good = pki.issue("ip:" + SesStandIn.ADDRESS);
    otherName = pki.issue("dns:mail.other.test", "EC");
    untrusted = TestPki.create(dir, "stranger").issue("ip:" + SesStandIn.ADDRESS, "EC");
  }

  @AfterAll
  static void coverage() {
    COVERAGE.assertComplete();
  }

  private static Map<String, Finding> check(int port, Consumer<DoctorContext.Builder> more) {
    DoctorContext.Builder b = DoctorContext.builder().smtp(new SmtpEndpoint(SesStandIn.ADDRESS, port))
        .caFile(pki.caPem()).certWarning(Duration.ofHours(1)).smtpTimeout(Duration.ofSeconds(5));
    more.accept(b);
    List<Finding> findings = COVERAGE.record(new SmtpChecks().run(b.build()));
    assertThat(findings).extracting(Finding::check)
        .containsExactly("smtp.starttls", "smtp.auth", "smtp.cert", "smtp.tls", "smtp.dhe");
    return findings.stream().collect(Collectors.toMap(Finding::check, f -> f));
  }

  private static SesStandIn.Builder server(TestPki.ServerCertificate cert) throws Exception {
    return SesStandIn.builder(cert.serverContext(), (user, password) -> false);
  }

  @Test
  void aServerLikeSesPassesEveryCheck() throws Exception {
    try (SesStandIn ses = server(good).start()) {
      Map<String, Finding> f = check(ses.port(), b -> { });
      assertThat(f.values()).allSatisfy(x -> assertThat(x.status()).as(x.toString()).isEqualTo(Status.PASS));
      assertThat(f.get("smtp.auth").reason()).contains("AUTH only after TLS");
      assertThat(f.get("smtp.tls").reason()).contains("TLS 1.0/1.1 refused");
      assertThat(f.get("smtp.dhe").reason()).contains("2048 bits");
    }
  }

  @Test
  void aCertificateCloseToExpiryWarns() throws Exception {
    try (SesStandIn ses = server(good).start()) {
      Finding cert = check(ses.port(), b -> b.certWarning(Duration.ofDays(14))).get("smtp.cert");
      assertThat(cert.status()).isEqualTo(Status.WARN);
      assertThat(cert.reason()).contains("expires");
      assertThat(cert.fix()).contains("renew");
    }
  }

  @Test
  void authAdvertisedBeforeStartTlsFails() throws Exception {
    try (SesStandIn ses = server(good).authBeforeTls().start()) {
      Finding auth = check(ses.port(), b -> { }).get("smtp.auth");
      assertThat(auth.status()).isEqualTo(Status.FAIL);
      assertThat(auth.reason()).contains("advertised before STARTTLS");
    }
  }

  @Test
  void authAcceptedBeforeStartTlsThoughNotAdvertisedFails() throws Exception {
    try (LegacyTlsServer legacy = LegacyTlsServer.start(good.keystore(), "TLSv1.2", true, dir)) {
      Finding auth = check(legacy.port(), b -> { }).get("smtp.auth");
      assertThat(auth.status()).isEqualTo(Status.FAIL);
      assertThat(auth.reason()).contains("accepted before STARTTLS");
    }
  }

  @Test
  void noStartTlsFailsAndLeavesNothingToJudgeAboutTls() throws Exception {
    try (SesStandIn ses = server(good).withoutStartTls().start()) {
      Map<String, Finding> f = check(ses.port(), b -> { });
      assertThat(f.get("smtp.starttls").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("smtp.starttls").reason()).contains("not offered");
      assertThat(f.get("smtp.auth").status()).isEqualTo(Status.FAIL);
      for (String id : List.of("smtp.cert", "smtp.tls", "smtp.dhe")) {
        assertThat(f.get(id).status()).as(id).isEqualTo(Status.SKIP);
      }
    }
  }

  @Test
  void noAuthEvenAfterTlsWarns() throws Exception {
    try (SesStandIn ses = server(good).withoutAuth().start()) {
      Finding auth = check(ses.port(), b -> { }).get("smtp.auth");
      assertThat(auth.status()).isEqualTo(Status.WARN);
      assertThat(auth.reason()).contains("no AUTH offered even after TLS");
    }
  }

  @Test
  void aChainFromAnUnknownCaFails() throws Exception {
    try (SesStandIn ses = server(untrusted).start()) {
      Finding cert = check(ses.port(), b -> { }).get("smtp.cert");
      assertThat(cert.status()).isEqualTo(Status.FAIL);
      assertThat(cert.reason()).contains("not trusted").contains("stranger");
      assertThat(cert.fix()).contains("SESAME_SMTP_CA_FILE");
    }
  }

  @Test
  void aCertificateForAnotherNameFails() throws Exception {
    try (SesStandIn ses = server(otherName).start()) {
      Finding cert = check(ses.port(), b -> { }).get("smtp.cert");
      assertThat(cert.status()).isEqualTo(Status.FAIL);
      assertThat(cert.reason()).contains("mail.other.test").contains("not " + SesStandIn.ADDRESS);
    }
  }

  @Test
  void a1024BitDheGroupIsMeasuredAndFailsThoughTheJdkAcceptsIt() throws Exception {
    try (WeakDhServer weak = WeakDhServer.start(good.keystore(), "1024", dir)) {
      Map<String, Finding> f = check(weak.port(), b -> { });
      assertThat(f.get("smtp.tls").status()).as("the JDK client still negotiates").isEqualTo(Status.PASS);
      assertThat(f.get("smtp.dhe").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("smtp.dhe").reason()).contains("1024-bit group").contains("dh key too small");
    }
  }

  @Test
  void a768BitDheGroupBreaksTheJdkHandshakeToo() throws Exception {
    try (WeakDhServer weak = WeakDhServer.start(good.keystore(), "legacy", dir)) {
      Map<String, Finding> f = check(weak.port(), b -> { });
      assertThat(f.get("smtp.tls").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("smtp.tls").reason()).contains("handshake failed");
      assertThat(f.get("smtp.dhe").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("smtp.dhe").reason()).contains("768-bit group").contains("JDK too");
    }
  }

  @Test
  void acceptingTls11BesideTls12Warns() throws Exception {
    try (LegacyTlsServer legacy = LegacyTlsServer.start(good.keystore(), "TLSv1.1,TLSv1.2", false, dir)) {
      Finding tls = check(legacy.port(), b -> { }).get("smtp.tls");
      assertThat(tls.status()).isEqualTo(Status.WARN);
      assertThat(tls.reason()).contains("TLSv1.2 negotiated, but TLSv1.1 is accepted too");
    }
  }

  @Test
  void speakingOnlyTls11Fails() throws Exception {
    try (LegacyTlsServer legacy = LegacyTlsServer.start(good.keystore(), "TLSv1.1", false, dir)) {
      Map<String, Finding> f = check(legacy.port(), b -> { });
      assertThat(f.get("smtp.tls").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("smtp.tls").reason()).contains("speaks only TLSv1.1");
      assertThat(f.get("smtp.auth").status()).isEqualTo(Status.SKIP);
    }
  }

  @Test
  void anUnreachableEndpointFailsStartTlsAndSkipsTheRest() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(SesStandIn.ADDRESS))) {
      closed = s.getLocalPort();
    }
    Map<String, Finding> f = check(closed, b -> { });
    assertThat(f.get("smtp.starttls").status()).isEqualTo(Status.FAIL);
    assertThat(f.get("smtp.starttls").reason()).contains("cannot talk to it");
    assertThat(f.get("smtp.cert").status()).isEqualTo(Status.SKIP);
  }

  @Test
  void withoutAnEndpointEverySmtpCheckSkips() {
    List<Finding> findings = COVERAGE.record(new SmtpChecks().run(DoctorContext.builder().build()));
    assertThat(findings).hasSize(5).allSatisfy(f -> {
      assertThat(f.status()).isEqualTo(Status.SKIP);
      assertThat(f.fix()).contains("--smtp HOST:PORT");
    });
  }
}
