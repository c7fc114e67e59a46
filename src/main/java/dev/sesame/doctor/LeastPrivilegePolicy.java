package dev.sesame.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The IAM policy an SES SMTP user needs and nothing more: Allow ses:SendRawEmail (the only action
 * the SMTP interface calls: SES Developer Guide, "Obtaining Amazon SES SMTP credentials"), only
 * for one From address or any address of one domain (condition key ses:FromAddress), and only
 * from the given source networks (aws:SourceIp) when any are given.
 *
 * @param fromPattern an address ("billing@example.com") or a "*@domain" pattern
 */
public record LeastPrivilegePolicy(String fromPattern, List<String> sourceCidrs) {
  public static final String ACTION = "ses:SendRawEmail";
  private static final Pattern CIDR = Pattern.compile(
      "([0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,2})?)|([0-9a-fA-F:]+:[0-9a-fA-F:]*(/[0-9]{1,3})?)");
  private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

  public LeastPrivilegePolicy {
    Objects.requireNonNull(fromPattern, "fromPattern");
    sourceCidrs = List.copyOf(sourceCidrs);
    for (String cidr : sourceCidrs) {
      if (!CIDR.matcher(cidr).matches()) {
        throw new IllegalArgumentException("not an IP address or CIDR block: '" + cidr + "'");
      }
    }
  }

  public static LeastPrivilegePolicy forAddress(String address, List<String> sourceCidrs) {
    int at = address.lastIndexOf('@');
    if (at <= 0 || !DOMAIN.matcher(address.substring(at + 1)).matches() || address.contains("*")) {
      throw new IllegalArgumentException("not an email address: '" + address + "'");
    }
    return new LeastPrivilegePolicy(address, sourceCidrs);
  }

  public static LeastPrivilegePolicy forDomain(String domain, List<String> sourceCidrs) {
    String d = domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    if (!DOMAIN.matcher(d).matches()) {
      throw new IllegalArgumentException("not a domain name: '" + domain + "'");
    }
    return new LeastPrivilegePolicy("*@" + d, sourceCidrs);
  }

  /** "StringLike" for a "*@domain" pattern, "StringEquals" for one address. */
  public String fromOperator() {
    return fromPattern.contains("*") ? "StringLike" : "StringEquals";
  }

  /** The policy document, pretty-printed JSON. */
  public String json() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("Version", "2012-10-17");
    ObjectNode statement = root.putArray("Statement").addObject();
    statement.put("Sid", "SendRawEmailOnly");
    statement.put("Effect", "Allow");
    statement.put("Action", ACTION);
    statement.put("Resource", "*");
    ObjectNode condition = statement.putObject("Condition");
    condition.putObject(fromOperator()).put("ses:FromAddress", fromPattern);
    if (!sourceCidrs.isEmpty()) {
      ArrayNode ips = condition.putObject("IpAddress").putArray("aws:SourceIp");
      sourceCidrs.forEach(ips::add);
    }
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
