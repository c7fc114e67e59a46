package dev.sesame.cli;

import dev.sesame.crypto.Wipe;
import dev.sesame.ses.SesRegions;
import dev.sesame.ses.SmtpPassword;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "smtp-password", mixinStandardHelpOptions = true,
    description = {"Read an IAM secret access key on standard input and print its SES SMTP password",
        "for REGION. Needs no vault. The password is region-specific."})
final class SmtpPasswordCommand implements Callable<Integer> {
  @Option(names = "--region", required = true, description = "SES region, e.g. eu-west-1.")
  String region;

  @Override
  public Integer call() throws Exception {
    if (!SesRegions.isKnown(region)) {
      Console.ERR.println("sesame: warning: --region is not a known SES SMTP Region; check it (the password is"
          + " derived per Region)");
    }
    byte[] secret = Stdin.SYSTEM.nextLine("secret access key");
    try {
      Console.OUT.println(SmtpPassword.derive(new String(secret, StandardCharsets.UTF_8), region));
    } finally {
      Wipe.bytes(secret);
    }
    return ExitCode.OK;
  }
}
