package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A word the CLI rejects may be a secret typed in the wrong place: it is named by position or by
 * option name, never repeated, and the message says where secrets go instead.
 */
class UsageErrorsTest {
  private static final String TYPED_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @TempDir
  Path dir;
  private SesameCli sesame;

  @BeforeEach
  void runner() throws Exception {
    sesame = SesameCli.withTmpDir(Files.createDirectories(dir.resolve("tmp")));
  }

  @Test
  void aStrayPositionalIsNamedByPosition() {
    SesameCli.Result result = sesame.run("put", "prod", "--region", "eu-west-1", "--access-key-id",
        "AKIAIOSFODNN7EXAMPLE", "--secret-stdin", TYPED_SECRET);
    assertUsage(result, "sesame: argument 8 (not shown) was not expected; secrets go in on standard input");
  }

  @Test
  void anUnknownOptionIsNamedAndItsValueIsNot() {
    assertUsage(sesame.run("put", "prod", "--secret", TYPED_SECRET), "sesame: unknown option --secret, argument 4");
    assertUsage(sesame.run("get", "prod", "--passphrase", "pass phrase one"),
        "sesame: unknown option --passphrase, argument 4 (not shown)");
  }

  @Test
  void aValueGivenToAFlagIsNotRepeated() {
    assertUsage(sesame.run("put", "prod", "--region", "eu-west-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE",
        "--secret-stdin=" + TYPED_SECRET), "sesame: invalid value for option --secret-stdin: it takes no value");
  }

  @Test
  void anInvalidValueSaysWhatIsExpected() {
    assertUsage(sesame.run("put", "relay", "--host", "h", "--port", TYPED_SECRET, "--smtp-username", "u",
        "--smtp-password-stdin"), "invalid value for option --port: expected a whole number");
    assertUsage(sesame.run("rotate", "prod", "--if-older-than", TYPED_SECRET),
        "invalid value for option --if-older-than: expected a duration: 90d, 2w, 12h, 30m (minutes), 120s");
    assertUsage(sesame.run("get", "prod", "--output", TYPED_SECRET), "expected one of value, json, env");
  }

  @Test
  void aRepeatedOptionIsNamedWithoutEitherValue() {
    assertUsage(sesame.run("put", "relay", "--host", "h", "--host", TYPED_SECRET, "--port", "1", "--smtp-username",
        "u", "--smtp-password-stdin"), "sesame: --host is given more than once");
  }

  @Test
  void labelsFieldsAndNamesAreRefusedWithoutQuotingThem() throws Exception {
    Path key = dir.resolve("k");
    Fixtures.createVault(dir.resolve("v"), Fixtures.keyFile(key), 5);
    for (List<String> args : List.of(List.of("--label", TYPED_SECRET), List.of("--field", TYPED_SECRET))) {
      SesameCli.Result result = sesame.run(concat(List.of("get", "prod", "--vault", dir.resolve("v").toString(),
          "--key-file", key.toString()), args));
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).doesNotContain(TYPED_SECRET).contains("expected");
    }
    SesameCli.Result name = sesame.run("rm", TYPED_SECRET, "--vault", dir.resolve("v").toString(), "--key-file",
        key.toString());
    assertThat(name.exitCode()).as(name.toString()).isEqualTo(2);
    assertThat(name.err()).startsWith("sesame: invalid entry name: use letters").doesNotContain(TYPED_SECRET);
  }

  private static String[] concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toArray(String[]::new);
  }

  private static void assertUsage(SesameCli.Result result, String expected) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).as(result.toString()).contains(expected).doesNotContain(TYPED_SECRET)
        .doesNotContain("pass phrase one");
    assertThat(result.errLines()).hasSize(2);
    assertThat(result.errLines().get(1)).startsWith("Try 'sesame ");
  }
}
