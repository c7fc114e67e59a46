package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

/** Texts as the JDK 17, Angus Mail 2.0 and SES put them in their exceptions and replies. */
class FailureClassifierTest {
  private static MessagingException tls(Exception cause) {
    return new MessagingException("Could not convert socket to TLS", cause);
  }

  @Test
  void sesAuthenticationCredentialsInvalidIsAuthRejected() {
    assertThat(FailureClassifier.classify(
        new AuthenticationFailedException("535 Authentication Credentials Invalid\n")))
        .isEqualTo(Diagnosis.AUTH_REJECTED);
    assertThat(FailureClassifier.classifyReply(535, "Authentication Credentials Invalid"))
        .isEqualTo(Diagnosis.AUTH_REJECTED);
  }

  @Test
  void emailAddressNotVerifiedIsNotVerified() {
    String ses = "Message rejected: Email address is not verified. The following identities failed"
        + " the check in region US-EAST-1: sender@example.com";
    assertThat(FailureClassifier.classifyReply(554, ses)).isEqualTo(Diagnosis.NOT_VERIFIED);
    assertThat(FailureClassifier.classify(new SMTPSendFailedException("DATA", 554, "554 " + ses,
        null, null, null, null))).isEqualTo(Diagnosis.NOT_VERIFIED);
  }

  @Test
  void accessDeniedForSendRawEmailIsNotAuthorized() {
    assertThat(FailureClassifier.classifyReply(554, "Access denied: User `arn:aws:iam::123456789012:"
        + "user/smtp' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:..'"))
        .isEqualTo(Diagnosis.NOT_AUTHORIZED);
  }

  @Test
  void throttlingIsATemporaryFailure() {
    assertThat(FailureClassifier.classifyReply(454, "Throttling failure: Maximum sending rate exceeded."))
        .isEqualTo(Diagnosis.TEMPORARY_FAILURE);
    assertThat(Diagnosis.TEMPORARY_FAILURE.retryable()).isTrue();
  }

  @Test
  void otherRepliesAreOther() {
    assertThat(FailureClassifier.classifyReply(550, "mailbox unavailable")).isEqualTo(Diagnosis.OTHER);
  }

  @Test
  void pkixPathBuildingFailedIsCertUntrusted() {
    Exception e = tls(new SSLHandshakeException("PKIX path building failed: "
        + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
        + "certification path to requested target"));
    assertThat(FailureClassifier.classify(e)).isEqualTo(Diagnosis.CERT_UNTRUSTED);
  }

  @Test
  void noSubjectAlternativeNameIsHostnameMismatch() {
    SSLHandshakeException jdk = new SSLHandshakeException(
        "No subject alternative DNS name matching email-smtp.us-east-1.amazonaws.com found.");
    jdk.initCause(new CertificateException(jdk.getMessage()));
    assertThat(FailureClassifier.classify(tls(jdk))).isEqualTo(Diagnosis.HOSTNAME_MISMATCH);
    assertThat(FailureClassifier.classify(tls(new SSLHandshakeException(
        "No subject alternative names matching IP address 127.0.0.2 found"))))
        .isEqualTo(Diagnosis.HOSTNAME_MISMATCH);
    assertThat(FailureClassifier.classify(tls(new IOException(
        "Server identity does not match authentication scheme: mail.example.com"))))
        .isEqualTo(Diagnosis.HOSTNAME_MISMATCH);
  }

  @Test
  void dhServerKeyExchangeAndDhKeyTooSmallAreDhTooSmall() {
    assertThat(FailureClassifier.classify(tls(new SSLHandshakeException(
        "DH ServerKeyExchange does not comply to algorithm constraints"))))
        .isEqualTo(Diagnosis.DH_TOO_SMALL);
    // OpenSSL-based clients (PHP, swaks) word it so.
    assertThat(FailureClassifier.classify(new IOException(
        "error:0A00018A:SSL routines::dh key too small"))).isEqualTo(Diagnosis.DH_TOO_SMALL);
  }

  @Test
  void startTlsRequiredButMissingIsStartTlsMissing() {
    assertThat(FailureClassifier.classify(new MessagingException(
        "STARTTLS is required but host does not support STARTTLS")))
        .isEqualTo(Diagnosis.STARTTLS_MISSING);
    assertThat(FailureClassifier.classifyReply(530, "5.7.0 Must issue a STARTTLS command first"))
        .isEqualTo(Diagnosis.STARTTLS_MISSING);
  }

  @Test
  void noCommonMechanismIsAuthNotOffered() {
    assertThat(FailureClassifier.classify(new AuthenticationFailedException(
        "No authentication mechanisms supported by both server and client")))
        .isEqualTo(Diagnosis.AUTH_NOT_OFFERED);
  }

  @Test
  void refusedUnknownAndConnectTimeoutAreConnectFailed() {
    MailConnectException refused = new MailConnectException(new SocketConnectException(
        "Using socket factory class null", new ConnectException("Connection refused"),
        "127.0.0.2", 25, 10000));
    assertThat(FailureClassifier.classify(refused)).isEqualTo(Diagnosis.CONNECT_FAILED);
    assertThat(FailureClassifier.classify(new MessagingException("Unknown SMTP host: x.invalid",
        new UnknownHostException("x.invalid")))).isEqualTo(Diagnosis.CONNECT_FAILED);
    MailConnectException connectTimeout = new MailConnectException(new SocketConnectException(
        "Using socket factory class null", new SocketTimeoutException("Connect timed out"),
        "10.255.255.1", 587, 10000));
    assertThat(FailureClassifier.classify(connectTimeout)).isEqualTo(Diagnosis.CONNECT_FAILED);
  }

  @Test
  void readTimeoutIsTimeout() {
    assertThat(FailureClassifier.classify(new MessagingException("Exception reading response",
        new SocketTimeoutException("Read timed out")))).isEqualTo(Diagnosis.TIMEOUT);
  }

  @Test
  void anythingElseIsOther() {
    assertThat(FailureClassifier.classify(new IllegalStateException("odd"))).isEqualTo(Diagnosis.OTHER);
  }

  @Test
  void everyDiagnosisHasOneLineOfAdvice() {
    for (Diagnosis d : Diagnosis.values()) {
      String advice = d.advice(SmtpEndpoint.forRegion("eu-west-1"));
      assertThat(advice).as(d.name()).isNotBlank().doesNotContain("\n").contains("eu-west-1");
    }
  }
}
