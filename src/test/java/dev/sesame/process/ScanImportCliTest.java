package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.ses.SmtpPassword;
import dev.sesame.vault.KeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sesame scan` and `sesame import` from outside the JVM: exit codes, output, and never a secret. */
class ScanImportCliTest {
  private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String PASSWORD = SmtpPassword.derive(SECRET, "eu-west-1");
  private static final String HOST = "email-smtp.eu-west-1.amazonaws.com";
  private static final String OTHER_KEY_ID = "AKIAZZZZZZZZZZZZZZZZ";

  @TempDir
  Path dir;
  private Path tree;
  private Path vault;
  private Path key;
  private SesameCli sesame;

  @BeforeEach
  void hostWithPlainTextCredentials() throws Exception {
    tree = Files.createDirectories(dir.resolve("host"));
    Files.createDirectories(tree.resolve("etc/exim"));
    Files.writeString(tree.resolve("etc/exim/exim.conf"), """
        begin transports
        ses_smtp:
          driver = smtp
          port = 2587
        begin authenticators
        ses_login:
          driver = plaintext
          public_name = LOGIN
          client_send = : %s : %s
        """.formatted(KEY_ID, PASSWORD).replace("port = 2587", "port = 2587\n  route_data = " + HOST));
    Files.createDirectories(tree.resolve("var/www"));
    Files.writeString(tree.resolve("var/www/mail.php"), "<?php\n$mail->Username = '" + KEY_ID + "';\n"
        + "$mail->Password = '" + PASSWORD + "';\n\n$b->Username = '" + OTHER_KEY_ID + "';\n$b->Password = '"
        + PASSWORD + "';\n");
    Files.writeString(tree.resolve("var/www/readme.txt"), "nothing to see\n");
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    KeySource source = Fixtures.keyFile(key);
    Fixtures.createVault(vault, source, 5);
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")))
        .env("SESAME_VAULT", vault.toString()).env("SESAME_KEY_FILE", key.toString());
  }

  private static void assertNoSecret(Result result) {
    assertThat(result.out() + result.err()).doesNotContain(PASSWORD).doesNotContain(SECRET);
  }

  @Test
  void scanPrintsFileLineKindAndKeyIdAndExits11() {
    Result result = sesame.run("scan", tree.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(11);
    assertThat(result.out().lines()).hasSize(3);
    assertThat(result.out()).contains(tree.resolve("etc/exim/exim.conf") + ":10: ses-smtp-password " + KEY_ID
        + " (exim; ")
        .contains(tree.resolve("var/www/mail.php") + ":3: ses-smtp-password " + KEY_ID + " (php; ")
        .contains(tree.resolve("var/www/mail.php") + ":6: ses-smtp-password " + OTHER_KEY_ID);
    assertThat(result.err()).contains("scanned 3 files").contains("3 credentials found in 2 files")
        .contains("sesame import NAME --from FILE --line N");
    assertNoSecret(result);
  }

  @Test
  void scanJsonIsOneObjectOnStdout() throws Exception {
    Result result = sesame.run("scan", "--output", "json", tree.resolve("etc").toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(11);
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.get("files_scanned").asInt()).isEqualTo(1);
    JsonNode finding = json.get("findings").get(0);
    assertThat(finding.get("file").asText()).isEqualTo(tree.resolve("etc/exim/exim.conf").toString());
    assertThat(finding.get("line").asInt()).isEqualTo(10);
    assertThat(finding.get("kind").asText()).isEqualTo("ses-smtp-password");
    assertThat(finding.get("access_key_id").asText()).isEqualTo(KEY_ID);
    assertThat(finding.get("format").asText()).isEqualTo("exim");
    assertThat(finding.get("mode").asText()).matches("0[0-7]{3}");
    assertThat(json.get("skipped").get("symlink").asInt()).isZero();
    assertNoSecret(result);
  }

  @Test
  void aCleanTreeExitsZero() throws Exception {
    Result result = sesame.run("scan", tree.resolve("var/www/readme.txt").toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("scanned 1 files").contains("0 credentials found");
  }

  @Test
  void aMissingPathExits4() {
    Result result = sesame.run("scan", dir.resolve("nowhere").toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    assertThat(result.err()).contains("no such file or folder");
  }

  @Test
  void importSealsTheOneCredentialWithHostPortAndRegion() throws Exception {
    Result imported = sesame.run("import", "prod", "--from", tree.resolve("etc/exim/exim.conf").toString());

    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.err()).contains("imported ses-smtp-password " + KEY_ID + " from line 10")
        .contains("iam:GetAccessKeyLastUsed");
    assertNoSecret(imported);
    assertThat(sesame.run("get", "prod").out()).isEqualTo(PASSWORD + "\n");
    assertThat(sesame.run("get", "prod", "--field", "smtp_host").out()).isEqualTo(HOST + "\n");
    assertThat(sesame.run("get", "prod", "--field", "smtp_port").out()).isEqualTo("2587\n");
    assertThat(sesame.run("get", "prod", "--field", "smtp_username").out()).isEqualTo(KEY_ID + "\n");
    assertThat(sesame.run("get", "prod", "--field", "region").out()).isEqualTo("eu-west-1\n");
    assertThat(sesame.run("get", "prod", "--field", "secret_access_key").exitCode()).isEqualTo(4);
    String audit = Files.readString(dir.resolve("vault.json.audit"));
    assertThat(audit).contains("\"step\":\"import\"").doesNotContain(PASSWORD).doesNotContain(KEY_ID);
  }

  @Test
  void severalCredentialsAreListedAndRefusedUntilALineIsChosen() {
    String file = tree.resolve("var/www/mail.php").toString();

    Result refused = sesame.run("import", "prod", "--from", file, "--region", "eu-west-1");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("line 3: ses-smtp-password " + KEY_ID)
        .contains("line 6: ses-smtp-password " + OTHER_KEY_ID).contains("--line N");
    assertNoSecret(refused);

    Result chosen = sesame.run("import", "prod", "--from", file, "--region", "eu-west-1", "--line", "6");

    assertThat(chosen.exitCode()).as(chosen.toString()).isZero();
    assertThat(sesame.run("get", "prod", "--field", "access_key_id").out()).isEqualTo(OTHER_KEY_ID + "\n");
  }

  @Test
  void aFileWithoutAHostNeedsTheRegion() {
    Result result = sesame.run("import", "prod", "--from", tree.resolve("var/www/mail.php").toString(), "--line", "3");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--region");
    assertThat(sesame.run("list").out()).doesNotContain("prod");
  }

  @Test
  void aFileWithoutCredentialsExits4AndStoresNothing() {
    Result result = sesame.run("import", "prod", "--from", tree.resolve("var/www/readme.txt").toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    assertThat(result.err()).contains("no SES credential found");
  }

  @Test
  void helpListsBothCommandsAndTheExitCode() {
    Result help = sesame.run("--help");

    assertThat(help.out()).contains("scan").contains("import").contains("11   scan: plain-text credentials found");
  }
}
