package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.ses.SmtpPassword;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passphrase and the secret share stdin: passphrase on line 1, secret on line 2. */
class StdinOrderTest {
  private static final String PASSPHRASE = "stdin order passphrase";
  private static final String SECRET = "StdinOrder/Secret+Key0123456789abcdefghi";

  @TempDir
  Path dir;

  private Path vault;
  private SesameCli sesame;

  @BeforeEach
  void createPassphraseVault() throws Exception {
    vault = dir.resolve("vault.json");
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")));
    Result init = sesame.runWithStdin(PASSPHRASE + "\n", "init", "--vault", vault.toString(), "--passphrase-stdin",
        "--kdf-memory", "8", "--kdf-iterations", "1");
    assertThat(init.exitCode()).as(init.toString()).isZero();
  }

  @Test
  void putReadsThePassphraseThenTheSesSecret() {
    Result put = sesame.runWithStdin(PASSPHRASE + "\n" + SECRET + "\n", "put", "ses1", "--region", "eu-west-1",
        "--access-key-id", "AKIASTDINORDER000001", "--passphrase-stdin", "--secret-stdin", "--vault", vault.toString());
    assertThat(put.exitCode()).as(put.toString()).isZero();

    Result secret = sesame.runWithStdin(PASSPHRASE + "\n", "get", "ses1", "--field", "secret_access_key",
        "--passphrase-stdin", "--vault", vault.toString());
    assertThat(secret.out()).isEqualTo(SECRET + "\n");
    Result password = sesame.runWithStdin(PASSPHRASE + "\n", "get", "ses1", "--passphrase-stdin", "--vault",
        vault.toString());
    assertThat(password.out()).isEqualTo(SmtpPassword.derive(SECRET, "eu-west-1") + "\n");
  }

  @Test
  void putReadsThePassphraseThenTheManualPasswordWithoutAFinalNewline() {
    Result put = sesame.runWithStdin(PASSPHRASE + "\r\n" + "manual password", "put", "relay", "--host",
        "smtp.example.test", "--port", "2525", "--tls", "starttls", "--smtp-username", "u", "--smtp-password-stdin",
        "--passphrase-stdin",
        "--vault", vault.toString());
    assertThat(put.exitCode()).as(put.toString()).isZero();

    Result get = sesame.runWithStdin(PASSPHRASE + "\n", "get", "relay", "--passphrase-stdin", "--vault",
        vault.toString());
    assertThat(get.out()).isEqualTo("manual password\n");
  }

  @Test
  void aMissingSecondLineIsAUsageErrorAndStoresNothing() {
    Result put = sesame.runWithStdin(PASSPHRASE + "\n", "put", "ses1", "--region", "eu-west-1", "--access-key-id",
        "AKIASTDINORDER000001", "--passphrase-stdin", "--secret-stdin", "--vault", vault.toString());

    assertThat(put.exitCode()).as(put.toString()).isEqualTo(2);
    assertThat(put.errLines()).hasSize(1);
    assertThat(put.err()).startsWith("sesame: ").contains("secret access key");
    Result list = sesame.runWithStdin(PASSPHRASE + "\n", "list", "--output", "json", "--passphrase-stdin", "--vault",
        vault.toString());
    assertThat(list.out()).doesNotContain("ses1");
  }
}
