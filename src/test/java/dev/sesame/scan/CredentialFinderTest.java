package dev.sesame.scan;

import static dev.sesame.scan.Leaks.HOST;
import static dev.sesame.scan.Leaks.KEY_ID;
import static dev.sesame.scan.Leaks.PASSWORD;
import static dev.sesame.scan.Leaks.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The shapes in which SES credentials sit in the files of a mail host, and look-alikes that are not one. */
class CredentialFinderTest {
  private static FoundCredential only(String text) {
    List<FoundCredential> found = CredentialFinder.find(text);
    assertThat(found).as(text).hasSize(1);
    return found.get(0);
  }

  private static void assertSmtpPassword(FoundCredential found, int line) {
    assertThat(found.line()).isEqualTo(line);
    assertThat(found.kind()).isEqualTo(Kind.SES_SMTP_PASSWORD);
    assertThat(found.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(found.secret()).isEqualTo(PASSWORD);
  }

  @Test
  void anEximClientSendWithTheCredentialInline() {
    FoundCredential found = only("""
        begin transports
        ses_smtp:
          driver = smtp
          port = 587
          route_data = %s
        begin authenticators
        ses_login:
          driver = plaintext
          public_name = LOGIN
          client_send = : %s : %s
        """.formatted(HOST, KEY_ID, PASSWORD));
    assertSmtpPassword(found, 10);
    assertThat(found.host()).contains(HOST);
    assertThat(found.port()).isEqualTo(OptionalInt.of(587));
    assertThat(found.region()).contains("eu-west-1");
  }

  @Test
  void eximPlainAuthenticatorWithCaretSeparators() {
    assertSmtpPassword(only("  client_send = ^" + KEY_ID + "^" + PASSWORD + "\n"), 1);
  }

  @Test
  void eximMacrosOnSeparateLines() {
    FoundCredential found = only("""
        SES_HOST = %s
        SES_USER = %s
        # the password, as the blog post said
        SES_PASS = %s
        """.formatted(HOST, KEY_ID, PASSWORD));
    assertSmtpPassword(found, 4);
    assertThat(found.host()).contains(HOST);
  }

  @Test
  void aDebianPasswdClientLineWithTheHost() {
    FoundCredential found = only("# comment\n" + HOST + ":" + KEY_ID + ":" + PASSWORD + "\n");
    assertSmtpPassword(found, 2);
    assertThat(found.region()).contains("eu-west-1");
  }

  @Test
  void debiansSmarthostSettingGivesThePortAfterADoubleColon() {
    FoundCredential found = only("dc_smarthost='" + HOST + "::2587'\n*:" + KEY_ID + ":" + PASSWORD + "\n");
    assertThat(found.port()).isEqualTo(OptionalInt.of(2587));
  }

  @Test
  void phpMailerProperties() {
    FoundCredential found = only("""
        <?php
        $mail = new PHPMailer(true);
        $mail->isSMTP();
        $mail->Host       = '%s';
        $mail->SMTPAuth   = true;
        $mail->Username   = '%s';
        $mail->Password   = '%s';
        $mail->SMTPSecure = PHPMailer::ENCRYPTION_STARTTLS;
        $mail->Port       = 587;
        """.formatted(HOST, KEY_ID, PASSWORD));
    assertSmtpPassword(found, 7);
    assertThat(found.host()).contains(HOST);
    assertThat(found.port()).isEqualTo(OptionalInt.of(587));
  }

  @Test
  void phpArraysAndDefines() {
    List<FoundCredential> found = CredentialFinder.find("""
        <?php
        return ['smtp' => ['host' => 'email-smtp.us-east-1.amazonaws.com', 'port' => 465,
            'username' => '%s', 'password' => "%s"]];
        define('SES_SMTP_USER', '%s');
        define('SES_SMTP_PASS', '%s');
        """.formatted(KEY_ID, PASSWORD, KEY_ID, PASSWORD));
    assertThat(found).extracting(FoundCredential::line).containsExactly(3, 5);
    assertThat(found).allSatisfy(f -> assertThat(f.secret()).isEqualTo(PASSWORD));
    assertThat(found.get(0).port()).isEqualTo(OptionalInt.of(465));
    assertThat(found.get(0).region()).contains("us-east-1");
  }

  @Test
  void postfixSaslPasswd() {
    FoundCredential found = only("[" + HOST + "]:587 " + KEY_ID + ":" + PASSWORD + "\n");
    assertSmtpPassword(found, 1);
    assertThat(found.port()).isEqualTo(OptionalInt.of(587));
    assertThat(found.host()).contains(HOST);
  }

  @Test
  void envAndSystemdEnvironmentLines() {
    assertSmtpPassword(only("SMTP_HOST=" + HOST + "\nSMTP_USERNAME=" + KEY_ID + "\nSMTP_PASSWORD=\"" + PASSWORD
        + "\"\n"), 3);
    assertSmtpPassword(only("[Service]\nEnvironment=SMTP_USER=" + KEY_ID + "\nEnvironment=\"SMTP_PASS=" + PASSWORD
        + "\"\n"), 3);
  }

  @Test
  void aShellScriptExportingTheCredential() {
    assertSmtpPassword(only("#!/bin/sh\nexport SMTP_USER='" + KEY_ID + "'\nexport SMTP_PASS='" + PASSWORD
        + "'\nswaks --server " + HOST + ":587 --auth-user \"$SMTP_USER\"\n"), 3);
  }

  @Test
  void aUrlWithAPercentEncodedPassword() {
    String encoded = URLEncoder.encode(Leaks.PASSWORD_WITH_PLUS_AND_SLASH, StandardCharsets.UTF_8);
    assertThat(encoded).contains("%2B").contains("%2F");
    FoundCredential found = only("MAILER_DSN=smtp://" + KEY_ID + ":" + encoded + "@" + HOST + ":465\n");
    assertThat(found.secret()).isEqualTo(Leaks.PASSWORD_WITH_PLUS_AND_SLASH);
    assertThat(found.port()).isEqualTo(OptionalInt.of(465));
  }

  @Test
  void aJsonEscapedSlash() {
    String escaped = Leaks.PASSWORD_WITH_PLUS_AND_SLASH.replace("/", "\\/");
    FoundCredential found = only("{\"user\":\"" + KEY_ID + "\",\"pass\":\"" + escaped + "\"}");
    assertThat(found.secret()).isEqualTo(Leaks.PASSWORD_WITH_PLUS_AND_SLASH);
  }

  @Test
  void aSecretAccessKeyBesideItsKeyId() {
    FoundCredential found = only("""
        [default]
        aws_access_key_id = %s
        aws_secret_access_key = %s
        region = ap-southeast-2
        """.formatted(KEY_ID, SECRET));
    assertThat(found.kind()).isEqualTo(Kind.SECRET_ACCESS_KEY);
    assertThat(found.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(found.secret()).isEqualTo(SECRET);
    assertThat(found.region()).contains("ap-southeast-2");
  }

  @Test
  void aSecretAccessKeyNamedAsOneCountsWithoutAKeyId() {
    FoundCredential found = only("AWS_SECRET_ACCESS_KEY=" + SECRET + "\n");
    assertThat(found.kind()).isEqualTo(Kind.SECRET_ACCESS_KEY);
    assertThat(found.accessKeyId()).isEmpty();
  }

  @Test
  void eachPasswordPairsWithItsNearestKeyId() {
    String other = "AKIAZZZZZZZZZZZZZZZZ";
    List<FoundCredential> found = CredentialFinder.find(
        HOST + ":" + KEY_ID + ":" + PASSWORD + "\n" + HOST + ":" + other + ":" + PASSWORD + "\n");
    assertThat(found).extracting(FoundCredential::accessKeyId).containsExactly(KEY_ID, other);
  }

  @Test
  void aPasswordFarFromAnyKeyIdIsNotAFinding() {
    String text = "user = " + KEY_ID + "\n" + "\n".repeat(CredentialFinder.PAIRING_WINDOW) + "pass = " + PASSWORD;
    assertThat(CredentialFinder.find(text)).isEmpty();
  }

  @Test
  void lookAlikesAreNotFindings() {
    // A git commit id and a 44-character base64 value that is not an SES password, beside a key
    // id; a temporary (ASIA) key id; an AKIA inside a longer word; a key id alone.
    String text = """
        commit = 3f786850e387550fdab836ed7e6dc881de23001b
        user = %s
        token = QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn
        ASIAIOSFODNN7EXAMPLE
        XAKIAIOSFODNN7EXAMPLE
        """.formatted(KEY_ID);
    assertThat(CredentialFinder.find(text)).isEmpty();
    assertThat(CredentialFinder.find("just the id: " + KEY_ID)).isEmpty();
  }

  @Test
  void aPasswordGluedToMoreBase64IsNotOne() {
    assertThat(CredentialFinder.find(KEY_ID + " " + PASSWORD + "AAAA")).isEmpty();
    assertThat(CredentialFinder.find(KEY_ID + " " + PASSWORD + "=")).isEmpty();
  }

  @Test
  void theRegionComesFromAVpcEndpointOrFipsHostName() {
    assertThat(CredentialFinder.regionOfHost("vpce-0abc123-xyz.email-smtp.us-west-2.vpce.amazonaws.com"))
        .contains("us-west-2");
    assertThat(CredentialFinder.regionOfHost("email-smtp-fips.us-gov-west-1.amazonaws.com")).contains("us-gov-west-1");
    assertThat(CredentialFinder.regionOfHost("smtp.example.com")).isEqualTo(Optional.empty());
  }

  @Test
  void aPortThatSesDoesNotServeIsIgnored() {
    FoundCredential found = only("port = 2525\n" + KEY_ID + " " + PASSWORD);
    assertThat(found.port()).isEmpty();
  }

  @Test
  void windowsLineEndingsCountLinesTheSame() {
    assertSmtpPassword(only("a\r\nb\r\n" + KEY_ID + ":" + PASSWORD + "\r\n"), 3);
  }

  @Test
  void theCheapPrefilterPassesEveryShapeItMustSee() {
    byte[] akia = ("x " + KEY_ID).getBytes(StandardCharsets.US_ASCII);
    byte[] secret = "Aws_Secret_Access_Key=x".getBytes(StandardCharsets.US_ASCII);
    byte[] neither = "smtp_password = hunter2".getBytes(StandardCharsets.US_ASCII);
    assertThat(CredentialFinder.mayHoldCredential(akia, akia.length)).isTrue();
    assertThat(CredentialFinder.mayHoldCredential(secret, secret.length)).isTrue();
    assertThat(CredentialFinder.mayHoldCredential(neither, neither.length)).isFalse();
  }

  @Test
  void toStringNeverShowsTheSecret() {
    FoundCredential found = only(KEY_ID + ":" + PASSWORD);
    assertThat(found.toString()).doesNotContain(PASSWORD).contains(KEY_ID);
  }
}
