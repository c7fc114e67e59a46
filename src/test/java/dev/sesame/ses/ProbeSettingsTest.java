package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.smtp.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeSettingsTest {
  @TempDir Path dir;

  @Test
  void withoutVariablesTheEntryEndpointAndJvmTrustApply() throws Exception {
    ProbeSettings s = ProbeSettings.fromEnvironment(Map.of());
    assertThat(s.endpointFor("email-smtp.us-east-1.amazonaws.com", 587))
        .isEqualTo(SmtpEndpoint.forRegion("us-east-1"));
    assertThat(s.caFile()).isEmpty();
    assertThat(s.sslContext()).isNotNull();
  }

  @Test
  void endpointVariableOverridesTheEntry() {
    ProbeSettings s = ProbeSettings.fromEnvironment(Map.of("SESAME_SMTP_ENDPOINT", "127.0.0.2:2525"));
    assertThat(s.endpointFor("email-smtp.us-east-1.amazonaws.com", 587))
        .isEqualTo(new SmtpEndpoint("127.0.0.2", 2525));
  }

  @Test
  void blankVariablesCountAsUnset() {
    ProbeSettings s = ProbeSettings.fromEnvironment(
        Map.of("SESAME_SMTP_ENDPOINT", " ", "SESAME_SMTP_CA_FILE", ""));
    assertThat(s.endpointOverride()).isEmpty();
    assertThat(s.caFile()).isEmpty();
  }

  @Test
  void malformedEndpointNamesTheVariable() {
    assertThatThrownBy(() -> ProbeSettings.fromEnvironment(Map.of("SESAME_SMTP_ENDPOINT", "nohost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SESAME_SMTP_ENDPOINT: ");
  }

  @Test
  void caFileMayHoldSeveralCertificatesAndComments() throws Exception {
    TestPki one = TestPki.create(dir, "one");
    TestPki two = TestPki.create(dir, "two");
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, "# our relay's CAs\n" + Files.readString(one.caPem())
        + "\n" + Files.readString(two.caPem()));
    assertThat(TrustedCas.readPem(bundle)).hasSize(2);
    ProbeSettings s = ProbeSettings.fromEnvironment(Map.of("SESAME_SMTP_CA_FILE", bundle.toString()));
    assertThat(s.sslContext()).isNotNull();
  }

  @Test
  void caFileWithoutCertificatesIsRefusedNamingTheVariable() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
    ProbeSettings s = ProbeSettings.fromEnvironment(Map.of("SESAME_SMTP_CA_FILE", empty.toString()));
    assertThatThrownBy(s::sslContext).isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("SESAME_SMTP_CA_FILE=");
  }
}
