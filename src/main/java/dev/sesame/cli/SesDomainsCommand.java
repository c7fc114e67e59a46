package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.SesIdentities;
import dev.sesame.files.AtomicReplace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The SES identities that may send, one per line: the sender list the cPanel template routes
 * through SES (/etc/exim_sesame_domains). Not a secret; written 0644, atomically.
 */
@Command(name = "ses-domains", mixinStandardHelpOptions = true,
    description = {"List the region's SES identities verified for sending, one a line.",
        "Domains and addresses from sesv2 ListEmailIdentities with sending enabled and verification SUCCESS:",
        "the sender list of templates/cpanel-exim (/etc/exim_sesame_domains). Without --out, print them."})
final class SesDomainsCommand implements Callable<Integer> {
  @Mixin
  AwsOptions aws;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the list to FILE (0644, atomically; unchanged content is not rewritten).")
  Path out;

  @Override
  public Integer call() throws Exception {
    List<String> names;
    try (AwsClients clients = AwsClients.create(aws.settings())) {
      names = SesIdentities.using(clients).verifiedForSending();
    }
    StringBuilder text = new StringBuilder("# SES identities verified for sending, from sesame ses-domains\n");
    names.forEach(n -> text.append(n.toLowerCase(java.util.Locale.ROOT)).append('\n'));
    if (out == null) {
      Console.OUT.print(text);
      return ExitCode.OK;
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(out) && java.util.Arrays.equals(Files.readAllBytes(out), bytes)) {
      Console.ERR.println("unchanged    " + out + " (" + names.size() + " identities)");
      return ExitCode.OK;
    }
    write(out.toAbsolutePath(), bytes);
    Console.ERR.println("wrote        " + out + " (" + names.size() + " identities)");
    return ExitCode.OK;
  }

  /** Through {@link AtomicReplace}: a reader sees the old list or the new one. */
  private static void write(Path target, byte[] bytes) throws IOException {
    AtomicReplace.replace(target, bytes, PosixFilePermissions.fromString("rw-r--r--"));
  }
}
