package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.doctor.DoctorContext;
import dev.sesame.doctor.EntryFacts;
import dev.sesame.doctor.Finding;
import dev.sesame.doctor.SmtpChecks;
import dev.sesame.doctor.Status;
import dev.sesame.ses.ProbeOptions;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.ses.TlsMode;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.TestCertificate;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS mode stored with a manual relay decides how the SMTP proof and the doctor's probes
 * connect: a relay speaking TLS from the first byte on an unlisted port is proved and checked as
 * such, and the wrong mode fails instead of being guessed from the port.
 */
class RelayTlsModeTest {
  private static final String USER = "mailer";
  private static final String PASSWORD = "pw:with'quotes\\ and é";
  @TempDir
  static Path dir;
  private static TestCertificate cert;
  private static SesStandIn implicitRelay;

  @BeforeAll
  static void start() throws Exception {
    cert = TestCertificate.create(dir);
    implicitRelay = SesStandIn.builder(cert.serverContext(), (u, p) -> USER.equals(u) && PASSWORD.equals(p))
        .implicitTls().start();
  }

  @AfterAll
  static void stop() {
    if (implicitRelay != null) {
      implicitRelay.close();
    }
  }

  private static Credential relay(String tls) {
    return Credential.of(EntryType.SMTP, Map.of(Credential.SMTP_HOST, SesStandIn.ADDRESS,
        Credential.SMTP_PORT, Integer.toString(implicitRelay.port()), Credential.SMTP_USERNAME, USER,
        Credential.SMTP_PASSWORD, PASSWORD, Credential.SMTP_TLS, tls));
  }

  private static SmtpCredentialProver prover() {
    return new SmtpCredentialProver(ProbeSettings.fromEnvironment(Map.of(ProbeSettings.CA_FILE_VARIABLE,
        cert.pem().toString())), Duration.ofSeconds(2), line -> { });
  }

  @Test
  void theSmtpProofUsesTheStoredImplicitMode() throws Exception {
    prover().prove(relay("implicit"));
  }

  /**
   * A STARTTLS client waits for a greeting that an implicit-TLS server never sends (it waits for the
   * ClientHello): the proof fails on its read timeout, cut here from the default 30 s; no retry can fix a
   * wrong mode, so the deadline allows only the one attempt.
   */
  private static SmtpCredentialProver proverWithShortTimeout() {
    ProbeOptions quick = ProbeOptions.defaults().withDeadline(Duration.ofMillis(500))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500));
    return new SmtpCredentialProver(ProbeSettings.fromEnvironment(Map.of(ProbeSettings.CA_FILE_VARIABLE,
        cert.pem().toString())), quick, line -> { }, line -> { });
  }

  @Test
  void theWrongStoredModeFailsTheProof() {
    assertThatThrownBy(() -> proverWithShortTimeout().prove(relay("starttls")))
        .isInstanceOf(RotationException.class)
        .satisfies(e -> assertThat(((RotationException) e).kind()).isEqualTo(RotationException.Kind.SMTP));
  }

  @Test
  void aRelayOnAnUnlistedPortWithNoStoredModeIsNotGuessed() {
    Credential old = Credential.of(EntryType.SMTP, Map.of(Credential.SMTP_HOST, SesStandIn.ADDRESS,
        Credential.SMTP_PORT, "2525", Credential.SMTP_USERNAME, USER, Credential.SMTP_PASSWORD, PASSWORD));
    assertThatThrownBy(() -> prover().prove(old)).isInstanceOf(RotationException.class)
        .hasMessageContaining("--tls starttls|implicit");
  }

  @Test
  void theDoctorProbesTheEntryWithItsStoredMode() {
    EntryFacts facts = new EntryFacts("relay", "smtp", Optional.empty(), Optional.empty(), Optional.empty(),
        List.of(), Optional.of(SesStandIn.ADDRESS), Optional.of(implicitRelay.port()), Optional.of(TlsMode.IMPLICIT));
    DoctorContext context = DoctorContext.builder().entry(facts).caFile(cert.pem())
        .smtpTimeout(Duration.ofSeconds(5)).build();
    assertThat(context.smtp().orElseThrow().tlsMode()).isEqualTo(TlsMode.IMPLICIT);
    List<Finding> findings = new SmtpChecks().run(context);
    Finding startTls = findings.stream().filter(f -> f.check().equals("smtp.starttls")).findFirst().orElseThrow();
    assertThat(startTls.status()).as(findings.toString()).isEqualTo(Status.PASS);
    assertThat(startTls.reason()).contains("implicit TLS");
  }

  @Test
  void modesAreStarttlsOrImplicitOnly() {
    assertThat(TlsMode.parse("starttls")).isEqualTo(TlsMode.STARTTLS);
    assertThat(TlsMode.parse("IMPLICIT")).isEqualTo(TlsMode.IMPLICIT);
    for (String plaintext : List.of("none", "plain", "off", "")) {
      assertThatThrownBy(() -> TlsMode.parse(plaintext)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(TlsMode.ofWellKnownPort(2525)).isEmpty();
    assertThat(TlsMode.ofWellKnownPort(465)).contains(TlsMode.IMPLICIT);
    assertThat(TlsMode.ofEntry(Optional.empty(), 2525, true)).contains(TlsMode.STARTTLS);
    assertThat(TlsMode.ofEntry(Optional.empty(), 2525, false)).isEmpty();
    assertThat(TlsMode.ofEntry(Optional.of("implicit"), 587, false)).contains(TlsMode.IMPLICIT);
  }
}
