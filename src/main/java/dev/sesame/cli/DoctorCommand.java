package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.doctor.AwsPosture;
import dev.sesame.doctor.Doctor;
import dev.sesame.doctor.DoctorContext;
import dev.sesame.doctor.DoctorFacts;
import dev.sesame.doctor.EntryFacts;
import dev.sesame.aws.LeastPrivilegePolicy;
import dev.sesame.doctor.Report;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.ses.SmtpEndpoint;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check the sending posture and say how to fix each finding.",
        "Checks vault and key files, key ages, rotations left behind, the IAM user's keys and policies,",
        "SES account and identity, SPF/DMARC/DKIM in DNS, and the SMTP endpoint's TLS.",
        "Every finding says how to fix it; checks that lack what they need SKIP. Exit 0 when nothing FAILs,",
        "1 otherwise (docs/doctor.md)."})
final class DoctorCommand implements Callable<Integer> {
  private final Invocation io;

  DoctorCommand(Invocation io) {
    this.io = io;
  }


  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The entry to check (default: every entry's vault state).")
  String name;

  @Mixin
  EntryStoreOptions where;

  @Mixin
  AwsOptions aws;

  @Option(names = "--no-aws", description = "Make no AWS call (IAM and SES checks SKIP).")
  boolean noAws;

  @Option(names = "--domain", paramLabel = "DOMAIN",
      description = "The From domain (SES identity, SPF, DMARC, DKIM; default: that of --from-domain/--from-address).")
  String domain;

  @Option(names = "--resolver", paramLabel = "HOST:PORT", description = "DNS server to ask (default: the system's).")
  String resolver;

  @Option(names = "--smtp", paramLabel = "HOST:PORT", description = "SMTP endpoint to check (default: the entry's).")
  String smtp;

  @Option(names = "--dkim-token", paramLabel = "TOKEN", description = "An Easy DKIM token, when SES cannot be asked (repeat).")
  List<String> dkimTokens = new ArrayList<>();

  @Option(names = "--spf-include", paramLabel = "DOMAIN",
      description = "Another sender SPF must include, besides amazonses.com (repeat).")
  List<String> spfIncludes = new ArrayList<>();

  @Option(names = "--max-key-age", paramLabel = "AGE", defaultValue = "90d", converter = DurationConverter.class,
      description = "Key age policy (default: ${DEFAULT-VALUE}).")
  Duration maxKeyAge;

  @Option(names = "--grace", paramLabel = "AGE", defaultValue = "24h", converter = DurationConverter.class,
      description = "Grace period of a previous key (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(names = "--delete-after", paramLabel = "AGE", defaultValue = "24h", converter = DurationConverter.class,
      description = "The rotation's deletion gap, as for `sesame rotate` (default: ${DEFAULT-VALUE}).")
  Duration deleteAfter;

  @Option(names = "--from-address", paramLabel = "ADDR", description = "Compare the IAM policy with `sesame policy --from-address ADDR`.")
  String fromAddress;

  @Option(names = "--from-domain", paramLabel = "DOMAIN", description = "Compare the IAM policy with `sesame policy --from-domain DOMAIN`.")
  String fromDomain;

  @Option(names = "--envelope-domain", paramLabel = "DOMAIN", description = "Expected extra From domain of the IAM policy, as for `sesame policy` (repeat).")
  List<String> envelopeDomains = new ArrayList<>();

  @Option(names = "--source-ip", paramLabel = "CIDR", description = "Expected aws:SourceIp of the IAM policy (repeat).")
  List<String> sourceIps = new ArrayList<>();

  @Option(names = "--source-vpce", paramLabel = "VPCE_ID", description = "Expected aws:SourceVpce of the IAM policy (repeat).")
  List<String> sourceVpces = new ArrayList<>();

  @Option(names = "--source-vpc-ip", paramLabel = "CIDR", description = "Expected aws:VpcSourceIp of the IAM policy (repeat).")
  List<String> sourceVpcIps = new ArrayList<>();

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  TableFormat output;

  /** The entry's non-secret fields, once the vault opened. */
  private EntryFacts facts;

  @Override
  public Integer call() throws Exception {
    String fromDomainOf = DoctorFacts.fromDomain(domain, fromDomain, fromAddress);
    DoctorContext.Builder context = DoctorContext.builder().maxKeyAge(maxKeyAge).grace(grace).deleteAfter(deleteAfter)
        .dkimTokens(dkimTokens).spfSenders(spfIncludes).entryName(name).domain(fromDomainOf);
    if (resolver != null) {
      SmtpEndpoint r = parse("--resolver", resolver);
      context.resolver(new InetSocketAddress(r.host(), r.port()));
    }
    ProbeSettings probe;
    try {
      probe = ProbeSettings.fromEnvironment(io.env());
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, e.getMessage());
    }
    probe.caFile().ifPresent(context::caFile);
    if (smtp != null) {
      context.smtp(parse("--smtp", smtp));
    } else {
      probe.endpointOverride().ifPresent(context::smtp);
    }
    try {
      LeastPrivilegePolicy.Sources sources = new LeastPrivilegePolicy.Sources(sourceIps, sourceVpces, sourceVpcIps);
      if (fromAddress != null) {
        context.expectedPolicy(LeastPrivilegePolicy.forAddress(fromAddress, envelopeDomains, sources));
      } else if (fromDomain != null) {
        context.expectedPolicy(LeastPrivilegePolicy.forDomain(fromDomain, envelopeDomains, sources));
      }
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, e.getMessage());
    }
    if (where.inStore()) {
      readStore(context);
    } else {
      readVault(context);
    }
    AwsClients clients = null;
    try {
      if (noAws) {
        context.awsProblem("--no-aws given");
      } else {
        clients = AwsClients.create(DoctorFacts.awsSettings(aws.settings(), Optional.ofNullable(facts)));
        context.aws(AwsPosture.using(clients));
      }
      Report report = Doctor.standard().run(context.build());
      io.out().print(output == TableFormat.json ? report.json() + System.lineSeparator() : report.table());
      return report.exitCode();
    } finally {
      if (clients != null) {
        clients.close();
      }
    }
  }

  private void readVault(DoctorContext.Builder context) throws UserError {
    VaultOptions vault = where.vault;
    if (vault.vault == null || vault.vault.toString().isEmpty()) {
      return;
    }
    boolean keyOffered = vault.keys.keyFile() != null || vault.keys.passphraseStdin || vault.keys.passphraseFile != null;
    facts = DoctorFacts.fromVault(context, vault.vault, name, Optional.ofNullable(vault.keys.keyFile()), keyOffered,
        vault::unlockSources).orElse(null);
  }

  /** With --store: the entry's labelled versions and rotation state, read through the entry store. */
  private void readStore(DoctorContext.Builder context) {
    KeyOptions keys = where.vault == null ? null : where.vault.keys;
    facts = DoctorFacts.fromStore(context, where.store, name, Optional.ofNullable(keys == null ? null : keys.keyFile()),
        noAws, entry -> {
          EntryStore.Labelled read;
          try (EntryStore store = where.openStore(aws.settings(), null)) {
            read = store.labelled(entry);
          }
          List<DoctorFacts.StoreVersion> versions = new ArrayList<>();
          for (EntryVersion version : read.versions()) {
            versions.add(new DoctorFacts.StoreVersion(version.credential(), version.createdAt(), version.labels()));
          }
          return new DoctorFacts.StoreEntry(versions, read.state(), read.bookkeepingProblem());
        }).orElse(null);
  }


  private static SmtpEndpoint parse(String option, String text) throws UserError {
    try {
      return SmtpEndpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, option + ": " + e.getMessage());
    }
  }
}
