package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.SesV2Handler;
import dev.sesame.testing.aws.StandInAws;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sesame ses-domains` against the SESv2 stand-in: every page of ListEmailIdentities is read, only
 * identities verified for sending are kept (lower-cased, one a line, lsearch keys), and --out
 * replaces the file atomically with mode 0644 and leaves an identical one alone.
 */
class SesDomainsCliTest {
  @TempDir
  Path dir;

  private StandInAws aws;
  private SesV2Handler ses;
  private AwsStandIn standIn;
  private SesameCli sesame;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    ses = new SesV2Handler();
    standIn.register(ses);
    ses.pageSize(2);
    SesV2Handler.Identity verified = new SesV2Handler.Identity(true, true, "SUCCESS", List.of(), "", "");
    SesV2Handler.Identity pending = new SesV2Handler.Identity(false, false, "PENDING", List.of(), "", "");
    ses.identity("Example.COM", verified);
    ses.identity("pending.example", pending);
    ses.identity("shop.example", verified);
    ses.identity("solo@other.example", verified);
    ses.identity("late.example", verified);
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")))
        .env(aws.cliEnvironment(dir));
  }

  @AfterEach
  void stop() throws Exception {
    aws.close();
  }

  @Test
  void listsEveryVerifiedIdentityAcrossPagesAndWritesTheFileAtomically() throws Exception {
    Result printed = sesame.run("ses-domains");
    assertThat(printed.exitCode()).as(printed.toString()).isZero();
    String expected = "# SES identities verified for sending, from sesame ses-domains\n"
        + "example.com\nshop.example\nsolo@other.example\nlate.example\n";
    assertThat(new String(printed.stdout(), StandardCharsets.UTF_8)).isEqualTo(expected);

    Path out = dir.resolve("exim_sesame_domains");
    Files.writeString(out, "old.example\n");
    Result written = sesame.run("ses-domains", "--out", out.toString());
    assertThat(written.exitCode()).as(written.toString()).isZero();
    assertThat(Files.readString(out)).isEqualTo(expected);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r--r--");
    assertThat(new String(written.stderr(), StandardCharsets.UTF_8)).contains("wrote").contains("4 identities");

    Result again = sesame.run("ses-domains", "--out", out.toString());
    assertThat(new String(again.stderr(), StandardCharsets.UTF_8)).contains("unchanged");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".sesame-tmp"));
    }
  }

  @Test
  void anAwsFailureExitsSevenAndKeepsTheFile() throws Exception {
    Path out = dir.resolve("exim_sesame_domains");
    Files.writeString(out, "kept.example\n");
    standIn.faults().deny("ListEmailIdentities", 1);
    Result r = sesame.run("ses-domains", "--out", out.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
    assertThat(Files.readString(out)).isEqualTo("kept.example\n");
    assertThat(r.err()).contains("ses:ListEmailIdentities");
  }
}
