package dev.sesame.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The picocli-free `get` parser fills exactly what picocli would, and declines everything else. */
class FastGetTest {
  /** Both parsers see the same, empty, environment (not the developer's SESAME_VAULT). */
  private static final Invocation NO_ENV = Invocation.of(java.util.Map.of(), java.io.InputStream.nullInputStream(),
      java.io.OutputStream.nullOutputStream(), java.io.OutputStream.nullOutputStream());

  @Test
  void plainGetsAreParsedLikePicocliWould() {
    for (List<String> args : List.of(
        List.of("get", "prod", "--key-file", "k", "--vault", "v"),
        List.of("get", "--vault=v", "prod", "--key-file=k", "--field", "smtp_username"),
        List.of("get", "prod", "--vault", "v", "--key-file", "k", "--label", "previous", "--output", "json"),
        List.of("get", "prod", "--key-file", "k", "--vault", "v", "--output", "env", "--prefix", "MAIL_"),
        List.of("get", "prod", "--key-file=k", "--vault=v", "--output=env"))) {
      GetCommand fast = FastGet.parse(NO_ENV, args.toArray(String[]::new)).orElseThrow();
      GetCommand slow = viaPicocli(args);
      assertThat(fast.name).as("%s", args).isEqualTo(slow.name);
      assertThat(fast.field).isEqualTo(slow.field);
      assertThat(fast.label).isEqualTo(slow.label);
      assertThat(fast.output).isEqualTo(slow.output);
      assertThat(fast.prefix).isEqualTo(slow.prefix);
      assertThat(fast.entries.vault.vault).isEqualTo(slow.entries.vault.vault);
      assertThat(fast.entries.vault.keys.keyFile()).isEqualTo(slow.entries.vault.keys.keyFile());
    }
  }

  @Test
  void anythingUnusualIsLeftToPicocli() {
    for (List<String> args : List.of(
        List.of("get"),
        List.of("get", "--help"),
        List.of("get", "prod", "-h", "--key-file", "k"),
        List.of("get", "prod", "--key-file", "k", "--debug"),
        List.of("get", "prod", "--passphrase-stdin"),
        List.of("get", "prod", "--key-file", "k", "--passphrase-file", "p"),
        List.of("get", "prod", "other", "--key-file", "k"),
        List.of("get", "prod", "--key-file"),
        List.of("get", "prod", "--key-file", "k", "--output", "yaml"),
        List.of("get", "prod", "--key-file", "k", "--lock-timeout", "3"),
        List.of("list", "--key-file", "k"))) {
      assertThat(FastGet.parse(NO_ENV, args.toArray(String[]::new))).as("%s", args).isEmpty();
    }
  }

  private static GetCommand viaPicocli(List<String> args) {
    CommandLine.ParseResult result = Main.commandLine(NO_ENV).parseArgs(args.toArray(String[]::new));
    return (GetCommand) result.subcommand().commandSpec().userObject();
  }
}
