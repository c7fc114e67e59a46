package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.doctor.AwsPosture;
import dev.sesame.doctor.Doctor;
import dev.sesame.doctor.DoctorContext;
import dev.sesame.doctor.EntryFacts;
import dev.sesame.doctor.LeastPrivilegePolicy;
import dev.sesame.doctor.Report;
import dev.sesame.doctor.VaultIndex;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.ses.SmtpEndpoint;
import dev.sesame.ses.TlsMode;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.EntryVersion;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
  enum Output { table, json }

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
  Output output;

  /** The entry's non-secret fields, once the vault opened. */
  private EntryFacts facts;

  @Override
  public Integer call() throws Exception {
    // The From domain: --domain, else the one the expected policy names.
    String fromDomainOf = domain != null ? domain
        : fromDomain != null ? fromDomain
        : fromAddress != null && fromAddress.contains("@") ? fromAddress.substring(fromAddress.lastIndexOf('@') + 1)
        : null;
    DoctorContext.Builder context = DoctorContext.builder().maxKeyAge(maxKeyAge).grace(grace).deleteAfter(deleteAfter)
        .dkimTokens(dkimTokens).spfSenders(spfIncludes).entryName(name).domain(fromDomainOf);
    if (resolver != null) {
      SmtpEndpoint r = parse("--resolver", resolver);
      context.resolver(new InetSocketAddress(r.host(), r.port()));
    }
    ProbeSettings probe;
    try {
      probe = ProbeSettings.fromEnvironment(System.getenv());
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
        // SES is regional: without --region, ask the region the entry's credential belongs to.
        AwsSettings settings = aws.settings();
        if (settings.region().isEmpty() && facts != null && facts.region().isPresent()) {
          settings = new AwsSettings(settings.profile(), facts.region());
        }
        clients = AwsClients.create(settings);
        context.aws(AwsPosture.using(clients));
      }
      Report report = Doctor.standard().run(context.build());
      Console.OUT.print(output == Output.json ? report.json() + System.lineSeparator() : report.table());
      return report.exitCode();
    } finally {
      if (clients != null) {
        clients.close();
      }
    }
  }

  private void readVault(DoctorContext.Builder context) throws UserError {
    if (where.vault.vault == null || where.vault.vault.toString().isEmpty()) {
      return;
    }
    Path path = where.vault.vault;
    if (!Files.exists(path)) {
      context.vaultProblem("vault " + path + " does not exist");
      return;
    }
    try {
      context.vault(path, VaultIndex.read(path));
    } catch (IOException | RuntimeException e) {
      context.vaultProblem("cannot read vault " + path + ": " + e.getMessage());
      return;
    }
    Optional.ofNullable(where.vault.keys.keyFile()).ifPresent(context::keyFile);
    boolean keyOffered = where.vault.keys.keyFile() != null || where.vault.keys.passphraseStdin || where.vault.keys.passphraseFile != null;
    if (name == null) {
      context.vaultProblem("no entry named (sesame doctor NAME)");
      return;
    }
    if (!keyOffered) {
      context.vaultProblem("no key offered to unlock entry " + name + " (--key-file, --passphrase-stdin)");
      return;
    }
    try {
      List<KeySource> sources = where.vault.unlockSources();
      try (Vault opened = Vault.open(path, sources)) {
        facts = readFacts(opened, name);
        context.entry(facts);
      }
    } catch (VaultException e) {
      context.vaultProblem("cannot read entry " + name + ": " + e.getMessage());
    }
  }

  /**
   * With --store: the entry's facts from its AWSCURRENT version (and the key ids of its other
   * labelled versions), and for key.age and rotation.pending its labelled versions' times with the
   * rotation bookkeeping in its tags, shaped as a vault index entry so both are judged alike. A
   * store that cannot be read leaves the reason for the entry-dependent checks to SKIP with.
   */
  private void readStore(DoctorContext.Builder context) {
    String store = where.store;
    context.store(store);
    KeyOptions keys = where.vault == null ? null : where.vault.keys;
    Optional.ofNullable(keys == null ? null : keys.keyFile()).ifPresent(context::keyFile);
    if (name == null) {
      context.vaultProblem("no entry named (sesame doctor NAME --store " + store + ")");
      return;
    }
    if (noAws) {
      context.vaultProblem("--no-aws given: entry " + name + " of store " + store + " cannot be read");
      return;
    }
    try {
      EntryStore.Labelled read;
      try (EntryStore entries = where.openStore(aws.settings(), null)) {
        read = entries.labelled(name);
      }
      List<VaultIndex.Version> versions = new ArrayList<>();
      List<Credential> credentials = new ArrayList<>();
      for (EntryVersion version : read.versions()) {
        Credential credential = version.credential();
        credentials.add(credential);
        Set<String> labels = new TreeSet<>();
        version.labels().forEach(label -> labels.add(label.wireName()));
        versions.add(new VaultIndex.Version(0, credential.type().wireName(), version.createdAt(), labels));
      }
      facts = facts(name, credentials.get(0), credentials);
      context.entry(facts);
      context.storeEntry(new VaultIndex.Entry(name, versions, read.state()));
      read.bookkeepingProblem().ifPresent(context::storeBookkeepingProblem);
    } catch (VaultException | UserError | RuntimeException e) {
      context.vaultProblem("cannot read entry " + name + " from store " + store + ": " + e.getMessage());
    }
  }

  static EntryFacts readFacts(Vault vault, String name) throws VaultException {
    EntryInfo entry = vault.entry(name).orElseThrow(() -> new VaultException.NotFound("no entry named " + name));
    Credential current = vault.get(name, Label.CURRENT).credential();
    List<Credential> versions = new ArrayList<>();
    for (VersionInfo info : entry.versions()) {
      versions.add(vault.get(name, info.version()).credential());
    }
    return facts(name, current, versions);
  }

  /** The facts of entry NAME: fields of its CURRENT version, the access key ids of all its VERSIONS, current first. */
  private static EntryFacts facts(String name, Credential current, List<Credential> versions) {
    List<String> keyIds = new ArrayList<>();
    current.field(Credential.ACCESS_KEY_ID).ifPresent(keyIds::add);
    for (Credential version : versions) {
      version.field(Credential.ACCESS_KEY_ID).filter(id -> !keyIds.contains(id)).ifPresent(keyIds::add);
    }
    Optional<Integer> port = current.field(Credential.SMTP_PORT).flatMap(p -> {
      try {
        return Optional.of(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
    Optional<TlsMode> tls = port.flatMap(p -> {
      try {
        return TlsMode.ofEntry(current.field(Credential.SMTP_TLS), p, current.type() == EntryType.SES);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
    return new EntryFacts(name, current.type().name().toLowerCase(java.util.Locale.ROOT),
        current.field(Credential.REGION), current.field(Credential.IAM_USER).filter(u -> !u.isEmpty()),
        current.field(Credential.ACCESS_KEY_ID), keyIds, current.field(Credential.SMTP_HOST), port, tls);
  }

  private static SmtpEndpoint parse(String option, String text) throws UserError {
    try {
      return SmtpEndpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCode.USAGE, option + ": " + e.getMessage());
    }
  }
}
