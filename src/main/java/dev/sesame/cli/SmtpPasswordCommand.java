package dev.sesame.cli;

import dev.sesame.crypto.Wipe;
import dev.sesame.ses.SesRegions;
import dev.sesame.ses.SmtpPassword;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "smtp-password", mixinStandardHelpOptions = true,
    description = {"Print the SES SMTP password of a secret access key read on standard input.",
        "Needs no vault. The password is derived for --region and works only there."})
final class SmtpPasswordCommand implements Callable<Integer> {
  private final Invocation io;

  SmtpPasswordCommand(Invocation io) {
    this.io = io;
  }

  @Option(names = "--region", required = true, paramLabel = "REGION", description = "SES Region the password is for, e.g. eu-west-1.")
  String region;

  @Override
  public Integer call() throws Exception {
    if (!SesRegions.isKnown(region)) {
      io.err().println("sesame: warning: --region is not a known SES SMTP Region; check it (the password is"
          + " derived per Region)");
    }
    byte[] secret = io.stdin().nextLine("secret access key");
    try {
      io.out().println(SmtpPassword.derive(new String(secret, StandardCharsets.UTF_8), region));
    } finally {
      Wipe.bytes(secret);
    }
    return ExitCode.OK;
  }
}
