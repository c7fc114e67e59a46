package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `put` refuses what would store a credential that can never work, and then stores nothing. */
class PutValidationTest {
  /** AWS's documented example key pair. */
  private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @TempDir
  Path dir;
  private Path vault;
  private Path key;
  private SesameCli sesame;

  @BeforeEach
  void emptyVault() throws Exception {
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
    Fixtures.createVault(vault, Fixtures.keyFile(key), 5);
    sesame = SesameCli.withTmpDir(Files.createDirectories(dir.resolve("tmp")));
  }

  @Test
  void aKnownRegionAndWellFormedKeyAreStored() throws Exception {
    SesameCli.Result put = putSes(SECRET + "\n", "--region", "eu-west-1", "--access-key-id", KEY_ID);
    assertThat(put.exitCode()).as(put.toString()).isZero();
    assertThat(entries()).contains("prod");
  }

  @Test
  void aMistypedRegionIsRefusedWithTheLikelyOneNamedAndNothingStored() throws Exception {
    SesameCli.Result put = putSes(SECRET + "\n", "--region", "eu-west1", "--access-key-id", KEY_ID);
    assertRefused(put, "--region is not a known SES SMTP Region (did you mean eu-west-1?)");
    assertThat(put.err()).doesNotContain("eu-west1 ").contains("--allow-unknown-region");
  }

  @Test
  void anUnknownRegionIsStoredOnlyWhenAllowed() throws Exception {
    assertRefused(putSes(SECRET + "\n", "--region", "xx-future-9", "--access-key-id", KEY_ID),
        "--region is not a known SES SMTP Region;");
    SesameCli.Result allowed = putSes(SECRET + "\n", "--region", "xx-future-9", "--access-key-id", KEY_ID,
        "--allow-unknown-region");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  @Test
  void temporaryCredentialsAreRefusedSayingWhy() throws Exception {
    assertRefused(putSes(SECRET + "\n", "--region", "eu-west-1", "--access-key-id", "ASIAIOSFODNN7EXAMPLE"),
        "temporary (STS) credential");
  }

  @Test
  void aMalformedAccessKeyIdIsRefusedWithoutEchoingIt() throws Exception {
    for (String id : List.of("AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEX", "akiaiosfodnn7example", SECRET)) {
      SesameCli.Result put = putSes(SECRET + "\n", "--region", "eu-west-1", "--access-key-id", id);
      assertRefused(put, "an access key id is AKIA followed by 16");
      assertThat(put.err()).doesNotContain(id);
    }
  }

  @Test
  void aSecretAccessKeyOfTheWrongShapeIsRefusedWithoutEchoingIt() throws Exception {
    for (String secret : List.of(SECRET.substring(1), SECRET + "A", SECRET.replace('/', '-'))) {
      SesameCli.Result put = putSes(secret + "\n", "--region", "eu-west-1", "--access-key-id", KEY_ID);
      assertRefused(put, "is not 40 characters of letters, digits, '/' and '+'");
      assertThat(put.err()).doesNotContain(secret);
    }
  }

  @Test
  void bytesThatAreNotUtf8OnStdinAreRefusedNotReplaced() throws Exception {
    byte[] latin1 = "p\u00e9ss\n".getBytes(StandardCharsets.ISO_8859_1);
    SesameCli.Result put = sesame.runWithStdin(latin1, relayPut("smtp.example.com", "mailer"));
    assertRefused(put, "SMTP password on standard input is not valid UTF-8");
    SesameCli.Result derive = sesame.runWithStdin(latin1, "smtp-password", "--region", "eu-west-1");
    assertThat(derive.exitCode()).isEqualTo(2);
    assertThat(derive.out()).isEmpty();
  }

  @Test
  void controlCharactersAreRefusedInHostsUsernamesAndPasswords() throws Exception {
    assertRefused(sesame.runWithStdin("secret\n", relayPut("smtp.example.com\t", "mailer")),
        "--host contains a control character");
    assertRefused(sesame.runWithStdin("secret\n", relayPut("smtp.example.com", "mail\u0007er")),
        "--smtp-username contains a control character");
    assertRefused(sesame.runWithStdin("sec\u001bret\n", relayPut("smtp.example.com", "mailer")),
        "the SMTP password on standard input contains a control character");
  }

  @Test
  void aNonAsciiPasswordIsStoredByteForByte() throws Exception {
    String password = "p\u00e9\u20ac\uD83D\uDE00s";
    SesameCli.Result put = sesame.runWithStdin(password + "\n", relayPut("smtp.example.com", "mailer"));
    assertThat(put.exitCode()).as(put.toString()).isZero();
    SesameCli.Result get = sesame.run("get", "relay", "--vault", vault.toString(), "--key-file", key.toString());
    assertThat(get.stdout()).isEqualTo((password + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private SesameCli.Result putSes(String stdin, String... options) {
    List<String> args = new ArrayList<>(List.of("put", "prod", "--vault", vault.toString(), "--key-file",
        key.toString(), "--secret-stdin"));
    args.addAll(List.of(options));
    return sesame.runWithStdin(stdin, args.toArray(String[]::new));
  }

  private String[] relayPut(String host, String username) {
    return new String[] {"put", "relay", "--vault", vault.toString(), "--key-file", key.toString(), "--host", host,
        "--port", "587", "--smtp-username", username, "--smtp-password-stdin"};
  }

  private void assertRefused(SesameCli.Result put, String reason) throws Exception {
    assertThat(put.exitCode()).as(put.toString()).isEqualTo(2);
    assertThat(put.errLines()).as(put.toString()).hasSize(1);
    assertThat(put.err()).contains(reason);
    assertThat(entries()).isEmpty();
  }

  private List<String> entries() throws Exception {
    SesameCli.Result list = sesame.run("list", "--vault", vault.toString(), "--key-file", key.toString());
    assertThat(list.exitCode()).as(list.toString()).isZero();
    return list.out().lines().skip(1).map(line -> line.split("\\s+")[0]).toList();
  }
}
