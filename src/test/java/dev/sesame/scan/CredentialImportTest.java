package dev.sesame.scan;

import static dev.sesame.scan.Leaks.HOST;
import static dev.sesame.scan.Leaks.KEY_ID;
import static dev.sesame.scan.Leaks.PASSWORD;
import static dev.sesame.scan.Leaks.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.scan.CredentialImport.Overrides;
import dev.sesame.scan.CredentialImport.Refused;
import dev.sesame.ses.SmtpPassword;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a file's plain-text credential to the vault entry `import` seals. */
class CredentialImportTest {
  private static final Overrides NONE = new Overrides(Optional.empty(), "", Optional.empty(), OptionalInt.empty());

  @TempDir
  Path dir;

  private List<FoundCredential> in(String content) throws Exception {
    Path file = dir.resolve("exim.conf");
    Files.writeString(file, content);
    return FileCredentials.in(file, ScanOptions.defaults());
  }

  private static Refused.Reason reasonOf(ThrowingCall call) {
    try {
      call.run();
    } catch (Refused e) {
      assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain(SECRET);
      return e.reason();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not refused");
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void anSmtpPasswordKeepsHostPortLoginAndRegionAndHasNoSecretAccessKey() throws Exception {
    FoundCredential found = CredentialImport.choose("exim.conf", in("route_data = " + HOST + "\nport = 465\n"
        + "client_send = : " + KEY_ID + " : " + PASSWORD + "\n"), OptionalInt.empty());

    Credential credential = CredentialImport.credential(found, NONE);

    assertThat(credential.type()).isEqualTo(EntryType.SES);
    assertThat(credential.fields()).containsEntry(Credential.SMTP_HOST, HOST)
        .containsEntry(Credential.SMTP_PORT, "465")
        .containsEntry(Credential.SMTP_USERNAME, KEY_ID)
        .containsEntry(Credential.SMTP_PASSWORD, PASSWORD)
        .containsEntry(Credential.ACCESS_KEY_ID, KEY_ID)
        .containsEntry(Credential.REGION, "eu-west-1")
        .containsEntry(Credential.IAM_USER, "");
    assertThat(credential.secretAccessKeyUnknown()).isTrue();
  }

  @Test
  void aSecretAccessKeyBecomesAWholeSesEntryWithTheDerivedPassword() throws Exception {
    FoundCredential found = CredentialImport.choose("credentials", in("aws_access_key_id = " + KEY_ID
        + "\naws_secret_access_key = " + SECRET + "\n"), OptionalInt.empty());

    Credential credential = CredentialImport.credential(found,
        new Overrides(Optional.of("us-east-2"), "ses-smtp", Optional.empty(), OptionalInt.empty()));

    assertThat(credential.fields()).containsEntry(Credential.SECRET_ACCESS_KEY, SECRET)
        .containsEntry(Credential.SMTP_PASSWORD, SmtpPassword.derive(SECRET, "us-east-2"))
        .containsEntry(Credential.SMTP_HOST, "email-smtp.us-east-2.amazonaws.com")
        .containsEntry(Credential.SMTP_PORT, "587")
        .containsEntry(Credential.IAM_USER, "ses-smtp");
  }

  @Test
  void severalCredentialsNeedALineAndTheRefusalListsThemWithoutSecrets() throws Exception {
    List<FoundCredential> found = in(HOST + ":" + KEY_ID + ":" + PASSWORD + "\n\n" + HOST + ":AKIAZZZZZZZZZZZZZZZZ:"
        + PASSWORD + "\n");

    assertThat(reasonOf(() -> CredentialImport.choose("passwd.client", found, OptionalInt.empty())))
        .isEqualTo(Refused.Reason.CHOOSE);
    assertThatThrownBy(() -> CredentialImport.choose("passwd.client", found, OptionalInt.empty()))
        .hasMessageContaining("line 1: ses-smtp-password " + KEY_ID)
        .hasMessageContaining("line 3: ses-smtp-password AKIAZZZZZZZZZZZZZZZZ")
        .hasMessageContaining("--line N");
    assertThat(CredentialImport.choose("passwd.client", found, OptionalInt.of(3)).accessKeyId())
        .isEqualTo("AKIAZZZZZZZZZZZZZZZZ");
    assertThat(reasonOf(() -> CredentialImport.choose("passwd.client", found, OptionalInt.of(2))))
        .isEqualTo(Refused.Reason.NONE);
  }

  @Test
  void nothingFoundIsRefused() throws Exception {
    List<FoundCredential> found = in("smtp_password = hunter2\n");
    assertThat(reasonOf(() -> CredentialImport.choose("f", found, OptionalInt.empty()))).isEqualTo(Refused.Reason.NONE);
  }

  @Test
  void withoutAHostOrRegionTheRegionMustBeGiven() throws Exception {
    FoundCredential found = in("user " + KEY_ID + "\npass " + PASSWORD + "\n").get(0);

    assertThat(reasonOf(() -> CredentialImport.credential(found, NONE))).isEqualTo(Refused.Reason.INCOMPLETE);
    Credential credential = CredentialImport.credential(found,
        new Overrides(Optional.of("ap-south-1"), "", Optional.empty(), OptionalInt.empty()));
    assertThat(credential.field(Credential.SMTP_HOST)).contains("email-smtp.ap-south-1.amazonaws.com");
  }

  @Test
  void aRegionThatContradictsTheHostIsRefused() throws Exception {
    FoundCredential found = in(HOST + ":" + KEY_ID + ":" + PASSWORD + "\n").get(0);

    assertThat(reasonOf(() -> CredentialImport.credential(found,
        new Overrides(Optional.of("us-east-1"), "", Optional.empty(), OptionalInt.empty()))))
        .isEqualTo(Refused.Reason.INCOMPLETE);
  }

  @Test
  void aSecretAccessKeyWithoutAKeyIdCannotBeImported() throws Exception {
    FoundCredential found = in("AWS_SECRET_ACCESS_KEY=" + SECRET + "\nAWS_REGION=eu-west-1\n").get(0);

    assertThat(reasonOf(() -> CredentialImport.credential(found, NONE))).isEqualTo(Refused.Reason.INCOMPLETE);
  }

  @Test
  void aFifoOrAFolderIsNotReadAsAFile() throws Exception {
    Path fifo = dir.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    assertThatThrownBy(() -> FileCredentials.in(fifo, ScanOptions.defaults()))
        .isInstanceOf(FileCredentials.UnscannableFile.class).hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> FileCredentials.in(dir, ScanOptions.defaults()))
        .isInstanceOf(FileCredentials.UnscannableFile.class);
  }

  @Test
  void aBinaryFileIsRefused() throws IOException {
    Path file = dir.resolve("core");
    Files.write(file, ("\0" + KEY_ID + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThatThrownBy(() -> FileCredentials.in(file, ScanOptions.defaults()))
        .isInstanceOf(FileCredentials.UnscannableFile.class).hasMessageContaining("binary");
  }
}
