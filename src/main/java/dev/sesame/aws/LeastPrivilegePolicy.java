package dev.sesame.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The IAM policy an SES SMTP user needs and nothing more: Allow ses:SendRawEmail (the only action
 * the SMTP interface calls: SES Developer Guide, "Obtaining Amazon SES SMTP credentials"), only
 * for the given From patterns (condition key ses:FromAddress), and only along the network paths
 * the host really uses when any are given.
 *
 * <p>Two paths, one statement each (statements are OR-ed, conditions in one statement AND-ed):
 * public egress (NAT gateway, Elastic IP) with aws:SourceIp, and the SES SMTP interface endpoint
 * with aws:SourceVpce and/or aws:VpcSourceIp. aws:SourceIp is absent from requests made through a
 * VPC endpoint and only holds public addresses (IAM User Guide, "AWS global condition context
 * keys"), so a private range there would deny every send: it is refused.
 *
 * <p>ses:FromAddress is matched case-sensitively (SES Developer Guide, "Sending policy examples":
 * StringEquals and StringLike "are for case-sensitive string matching"), so a domain is allowed as
 * the user wrote it and in lower case.
 *
 * @param fromPatterns addresses ("billing@example.com") or "*@domain" patterns, never empty
 */
public record LeastPrivilegePolicy(List<String> fromPatterns, Sources sources) {
  public static final String ACTION = "ses:SendRawEmail";
  private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

  /**
   * Where sends may come from: public CIDRs (aws:SourceIp), VPC endpoint ids (aws:SourceVpce) and
   * private CIDRs inside the VPC (aws:VpcSourceIp). All empty: from anywhere.
   */
  public record Sources(List<String> publicCidrs, List<String> vpcEndpoints, List<String> vpcCidrs) {
    private static final Pattern VPCE = Pattern.compile("vpce-[0-9a-f]{8,17}");

    public Sources {
      publicCidrs = List.copyOf(publicCidrs);
      vpcEndpoints = List.copyOf(vpcEndpoints);
      vpcCidrs = List.copyOf(vpcCidrs);
      for (String cidr : publicCidrs) {
        Cidr parsed = Cidr.parse(cidr);
        parsed.privateRangeItTouches().ifPresent(range -> {
          throw new IllegalArgumentException("--source-ip " + cidr + " includes the private range " + range
              + ": aws:SourceIp only ever holds public addresses and is absent from requests through a VPC"
              + " endpoint, so it would deny every send; give the public egress address (NAT gateway,"
              + " Elastic IP), or for the SES interface endpoint use --source-vpce vpce-ID and/or"
              + " --source-vpc-ip " + cidr);
        });
      }
      for (String cidr : vpcCidrs) {
        Cidr.parse(cidr);
      }
      for (String id : vpcEndpoints) {
        if (!VPCE.matcher(id).matches()) {
          throw new IllegalArgumentException("not a VPC endpoint id: '" + id + "' (expected vpce- and 8 or 17 hex digits)");
        }
      }
    }

    public static Sources none() {
      return new Sources(List.of(), List.of(), List.of());
    }

    public static Sources publicOnly(List<String> cidrs) {
      return new Sources(cidrs, List.of(), List.of());
    }

    public boolean isEmpty() {
      return publicCidrs.isEmpty() && vpcEndpoints.isEmpty() && vpcCidrs.isEmpty();
    }

    boolean throughVpc() {
      return !vpcEndpoints.isEmpty() || !vpcCidrs.isEmpty();
    }
  }

  public LeastPrivilegePolicy {
    fromPatterns = List.copyOf(new LinkedHashSet<>(fromPatterns));
    if (fromPatterns.isEmpty()) {
      throw new IllegalArgumentException("a From address or domain is needed");
    }
    Objects.requireNonNull(sources, "sources");
  }

  public static LeastPrivilegePolicy forAddress(String address, List<String> sourceCidrs) {
    return forAddress(address, List.of(), Sources.publicOnly(sourceCidrs));
  }

  public static LeastPrivilegePolicy forDomain(String domain, List<String> sourceCidrs) {
    return forDomain(domain, List.of(), Sources.publicOnly(sourceCidrs));
  }

  /**
   * One From address, plus any envelope-sender domains (bounce subdomain, VERP) the MTA uses:
   * AWS does not document whether ses:FromAddress is the header From or the envelope sender over
   * SMTP, so both must match.
   */
  public static LeastPrivilegePolicy forAddress(String address, List<String> envelopeDomains, Sources sources) {
    int at = address.lastIndexOf('@');
    if (at <= 0 || !DOMAIN.matcher(address.substring(at + 1)).matches() || address.contains("*")) {
      throw new IllegalArgumentException("not an email address: '" + address + "'");
    }
    List<String> patterns = new ArrayList<>();
    patterns.add(address);
    patterns.add(address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT));
    patterns.addAll(domainPatterns(envelopeDomains));
    return new LeastPrivilegePolicy(patterns, sources);
  }

  /** Any address @DOMAIN, plus any envelope-sender domains (see {@link #forAddress(String, List, Sources)}). */
  public static LeastPrivilegePolicy forDomain(String domain, List<String> envelopeDomains, Sources sources) {
    List<String> domains = new ArrayList<>();
    domains.add(domain);
    domains.addAll(envelopeDomains);
    return new LeastPrivilegePolicy(domainPatterns(domains), sources);
  }

  private static List<String> domainPatterns(List<String> domains) {
    List<String> patterns = new ArrayList<>();
    for (String domain : domains) {
      String asGiven = domain.replaceAll("\\.$", "");
      if (!DOMAIN.matcher(asGiven).matches()) {
        throw new IllegalArgumentException("not a domain name: '" + domain + "'");
      }
      patterns.add("*@" + asGiven.toLowerCase(Locale.ROOT));
      patterns.add("*@" + asGiven);
    }
    return List.copyOf(new LinkedHashSet<>(patterns));
  }

  /** The first pattern: the domain in lower case ("*@example.com") or the address as given. */
  public String fromPattern() {
    return fromPatterns.get(0);
  }

  /** The public source CIDRs (aws:SourceIp). */
  public List<String> sourceCidrs() {
    return sources.publicCidrs();
  }

  /** "StringLike" when any pattern has a wildcard, "StringEquals" for addresses only. */
  public String fromOperator() {
    return fromPatterns.stream().anyMatch(p -> p.contains("*")) ? "StringLike" : "StringEquals";
  }

  /** The `sesame policy` options that print this policy again. */
  public String options() {
    StringBuilder out = new StringBuilder();
    String first = fromPattern();
    out.append(first.startsWith("*@") ? "--from-domain " + first.substring(2) : "--from-address " + first);
    Set<String> envelope = new LinkedHashSet<>();
    for (String pattern : fromPatterns.subList(1, fromPatterns.size())) {
      if (pattern.startsWith("*@") && !pattern.equalsIgnoreCase(first)) {
        envelope.add(pattern.substring(2).toLowerCase(Locale.ROOT));
      }
    }
    envelope.forEach(d -> out.append(" --envelope-domain ").append(d));
    sources.publicCidrs().forEach(c -> out.append(" --source-ip ").append(c));
    sources.vpcEndpoints().forEach(c -> out.append(" --source-vpce ").append(c));
    sources.vpcCidrs().forEach(c -> out.append(" --source-vpc-ip ").append(c));
    return out.toString();
  }

  /** The policy document, pretty-printed JSON. */
  public String json() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("Version", "2012-10-17");
    ArrayNode statements = root.putArray("Statement");
    if (sources.isEmpty()) {
      statement(statements, "SendRawEmailOnly");
    }
    if (!sources.publicCidrs().isEmpty()) {
      ObjectNode condition = statement(statements, "SendFromPublicEgress");
      strings(condition.putObject("IpAddress"), "aws:SourceIp", sources.publicCidrs());
    }
    if (sources.throughVpc()) {
      ObjectNode condition = statement(statements, "SendThroughVpcEndpoint");
      if (!sources.vpcEndpoints().isEmpty()) {
        strings(condition.putObject("StringEquals"), "aws:SourceVpce", sources.vpcEndpoints());
      }
      if (!sources.vpcCidrs().isEmpty()) {
        strings(condition.putObject("IpAddress"), "aws:VpcSourceIp", sources.vpcCidrs());
      }
    }
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds an Allow ses:SendRawEmail statement with the From condition; returns its Condition. */
  private ObjectNode statement(ArrayNode statements, String sid) {
    ObjectNode statement = statements.addObject();
    statement.put("Sid", sid);
    statement.put("Effect", "Allow");
    statement.put("Action", ACTION);
    statement.put("Resource", "*");
    ObjectNode condition = statement.putObject("Condition");
    ObjectNode from = condition.putObject(fromOperator());
    strings(from, "ses:FromAddress", fromPatterns);
    return condition;
  }

  /** One value as a string, several as an array (as IAM's own examples write them). */
  private static void strings(ObjectNode parent, String key, List<String> values) {
    if (values.size() == 1) {
      parent.put(key, values.get(0));
    } else {
      ArrayNode array = parent.putArray(key);
      values.forEach(array::add);
    }
  }
}
