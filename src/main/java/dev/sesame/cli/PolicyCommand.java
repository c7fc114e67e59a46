package dev.sesame.cli;

import dev.sesame.doctor.LeastPrivilegePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "policy", mixinStandardHelpOptions = true,
    description = {"Print the least-privilege IAM policy for an SES SMTP user.",
        "Only ses:SendRawEmail, for one From address or any address of one domain (ses:FromAddress), from the given networks (aws:SourceIp).",
        "`sesame doctor` compares the user's live policies with it."})
final class PolicyCommand implements Callable<Integer> {
  static final class From {
    @Option(names = "--from-address", paramLabel = "ADDR", required = true, description = "The one From address allowed.")
    String address;

    @Option(names = "--from-domain", paramLabel = "DOMAIN", required = true, description = "Any From address @DOMAIN.")
    String domain;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  From from;

  @Option(names = "--source-ip", paramLabel = "CIDR", description = "A network allowed to send (repeat).")
  List<String> sourceIps = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    LeastPrivilegePolicy policy;
    try {
      policy = from.address != null ? LeastPrivilegePolicy.forAddress(from.address, sourceIps)
          : LeastPrivilegePolicy.forDomain(from.domain, sourceIps);
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, e.getMessage());
    }
    Console.OUT.println(policy.json());
    return ExitCode.OK;
  }
}
