package dev.sesame.cli;

import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.DeploymentPolicies;
import dev.sesame.aws.DeploymentPolicies.Names;
import dev.sesame.aws.DeploymentPolicies.Role;
import dev.sesame.aws.LeastPrivilegePolicy;
import dev.sesame.aws.LeastPrivilegePolicy.Sources;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "policy", mixinStandardHelpOptions = true,
    description = {"Print a least-privilege IAM policy.",
        "Default: the SES SMTP user's, only ses:SendRawEmail, for one From address or any address of one domain",
        "(ses:FromAddress), from the given networks: public egress (aws:SourceIp) or the SES SMTP VPC endpoint",
        "(aws:SourceVpce, aws:VpcSourceIp). `sesame doctor` compares the user's live policies with it.",
        "--role prints the fleet's other policies (docs/runbooks/fleet.md)."})
final class PolicyCommand implements Callable<Integer> {
  static final class From {
    @Option(names = "--from-address", paramLabel = "ADDR", required = true, description = "The one From address allowed.")
    String address;

    @Option(names = "--from-domain", paramLabel = "DOMAIN", required = true, description = "Any From address @DOMAIN.")
    String domain;
  }

  @Option(names = "--role", paramLabel = "ROLE", defaultValue = "smtp-user",
      description = "smtp-user (default), host, rotator, rotation-function, retire-scheduler, retire-scheduler-trust.")
  String role;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  From from;

  @Option(names = "--envelope-domain", paramLabel = "DOMAIN",
      description = "Also allow any address @DOMAIN: the envelope sender's domain when the MTA uses another one (a bounce subdomain, VERP) (repeat).")
  List<String> envelopeDomains = new ArrayList<>();

  @Option(names = "--source-ip", paramLabel = "CIDR",
      description = "A public network the host reaches SES from: its NAT gateway or Elastic IP (aws:SourceIp; repeat). Private ranges are refused.")
  List<String> sourceIps = new ArrayList<>();

  @Option(names = "--source-vpce", paramLabel = "VPCE_ID",
      description = "The SES SMTP interface endpoint (com.amazonaws.REGION.email-smtp) the host sends through (aws:SourceVpce; repeat).")
  List<String> sourceVpces = new ArrayList<>();

  @Option(names = "--source-vpc-ip", paramLabel = "CIDR",
      description = "A private network inside the VPC that sends through the endpoint (aws:VpcSourceIp; repeat).")
  List<String> sourceVpcIps = new ArrayList<>();

  @Option(names = "--store", paramLabel = "sm://PREFIX", description = "The store (roles other than smtp-user).")
  String store;

  @Option(names = "--region", paramLabel = "REGION", description = "Region in ARNs (default: the placeholder REGION).")
  String region;

  @Option(names = "--account", paramLabel = "ACCOUNT", description = "Account id in ARNs (default: the placeholder ACCOUNT).")
  String account;

  @Option(names = "--kms-key", paramLabel = "KEY_ID", description = "The KMS key that seals store values.")
  String storeKey;

  @Option(names = "--vault-kms-key", paramLabel = "KEY_ID", description = "The KMS key that wraps hosts' vault files.")
  String vaultKey;

  @Option(names = "--vault-id", paramLabel = "ID", description = "The host's vault id (`sesame list --key-slots` shows it).")
  String vaultId;

  @Option(names = "--secret-kms-key", paramLabel = "KEY_ID",
      description = "The customer managed key Secrets Manager encrypts the store's secrets with (not aws/secretsmanager).")
  String secretKey;

  @Option(names = "--smtp-users", paramLabel = "NAME", description = "IAM user name or pattern the rotation may manage (default ses-smtp-*).")
  String smtpUsers;

  @Option(names = "--function-name", paramLabel = "NAME", description = "The rotation function's name (default sesame-rotation).")
  String functionName;

  @Override
  public Integer call() throws Exception {
    Role chosen = role();
    try {
      if (chosen == Role.SMTP_USER) {
        Console.OUT.println(smtpUserPolicy().json());
      } else {
        Console.OUT.println(new DeploymentPolicies(names()).json(chosen));
      }
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, e.getMessage());
    }
    return ExitCode.OK;
  }

  private Role role() throws UserError {
    for (Role r : Role.values()) {
      if (r.cliName().equals(role.toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new UserError(ExitCode.USAGE, "unknown --role; one of: smtp-user, host, rotator, rotation-function, "
        + "retire-scheduler, retire-scheduler-trust");
  }

  private LeastPrivilegePolicy smtpUserPolicy() throws UserError {
    if (from == null) {
      throw new UserError(ExitCode.USAGE, "the SMTP user's policy needs --from-address ADDR or --from-domain DOMAIN");
    }
    Sources sources = new Sources(sourceIps, sourceVpces, sourceVpcIps);
    return from.address != null ? LeastPrivilegePolicy.forAddress(from.address, envelopeDomains, sources)
        : LeastPrivilegePolicy.forDomain(from.domain, envelopeDomains, sources);
  }

  private Names names() {
    Names d = Names.placeholders();
    Names names = new Names(d.partition(), or(region, d.region()), or(account, d.account()),
        store == null ? d.storePrefix() : SecretsManagerStore.prefixOf(store), or(storeKey, d.storeKeyId()),
        or(vaultKey, d.vaultKeyId()), or(vaultId, d.vaultId()), or(smtpUsers, d.smtpUsers()),
        or(functionName, d.functionName()), d.scheduleGroup(), Optional.empty());
    return secretKey == null ? names : names.withSecretKmsKey(secretKey);
  }

  private static String or(String given, String fallback) {
    return given == null ? fallback : given;
  }
}
