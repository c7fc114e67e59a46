package dev.sesame.doctor;

import dev.sesame.aws.LeastPrivilegePolicy;
import dev.sesame.aws.Cidr;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the Allow statements that grant ses:SendRawEmail restrict, read the way IAM evaluates them:
 * only positive operators restrict (StringNotLike ses:FromAddress in an Allow allows every other
 * address), an ...IfExists operator passes when the key is absent (aws:SourceIp is absent through a
 * VPC endpoint), and a statement whose Resource is no SES resource grants nothing for sending.
 */
final class SendGrants {
  boolean sends;
  boolean offResource;
  private boolean unrestrictedFrom;
  private boolean unrestrictedSource;
  private boolean negatedFrom;
  private boolean sourceIfExists;
  private final Set<String> fromPatterns = new LinkedHashSet<>();
  private final Set<String> identities = new LinkedHashSet<>();
  private final Set<String> publicCidrs = new LinkedHashSet<>();
  private final Set<String> vpcEndpoints = new LinkedHashSet<>();
  private final Set<String> vpcCidrs = new LinkedHashSet<>();

  /** One Allow statement whose actions include ses:SendRawEmail. */
  void add(JsonNode statement) {
    List<String> statementIdentities = new ArrayList<>();
    if (!statement.has("NotResource")) {
      List<String> resources = IamChecks.strings(statement.path("Resource"));
      boolean applies = false;
      boolean identitiesOnly = true;
      for (String resource : resources) {
        String r = resource.toLowerCase(Locale.ROOT);
        if (!r.equals("*") && !sesResource(r)) {
          continue;
        }
        applies = true;
        int at = r.indexOf(":identity/");
        if (at < 0) {
          identitiesOnly = false;
        } else {
          statementIdentities.add(resource.substring(at + ":identity/".length()));
        }
      }
      if (!applies) {
        offResource = true;
        return;
      }
      if (!identitiesOnly) {
        statementIdentities.clear();
      }
    }
    sends = true;
    identities.addAll(statementIdentities);
    boolean fromRestricted = false;
    boolean sourceRestricted = false;
    var operators = statement.path("Condition").fields();
    while (operators.hasNext()) {
      var operator = operators.next();
      String op = operator.getKey().toLowerCase(Locale.ROOT).replaceFirst("^for(all|any)values:", "");
      boolean ifExists = op.endsWith("ifexists");
      String base = ifExists ? op.substring(0, op.length() - "ifexists".length()) : op;
      boolean positiveString = base.equals("stringequals") || base.equals("stringlike")
          || base.equals("stringequalsignorecase");
      var keys = operator.getValue().fields();
      while (keys.hasNext()) {
        var entry = keys.next();
        String key = entry.getKey().toLowerCase(Locale.ROOT);
        List<String> values = IamChecks.strings(entry.getValue());
        switch (key) {
          case "ses:fromaddress" -> {
            if (positiveString && !ifExists) {
              fromRestricted = true;
              fromPatterns.addAll(values);
            } else {
              negatedFrom = true;
            }
          }
          case "aws:sourceip", "aws:vpcsourceip" -> {
            if (base.equals("ipaddress") && !ifExists) {
              sourceRestricted = true;
              (key.equals("aws:sourceip") ? publicCidrs : vpcCidrs).addAll(values);
            } else if (ifExists) {
              sourceIfExists = true;
            }
          }
          case "aws:sourcevpce" -> {
            if (positiveString && !ifExists) {
              sourceRestricted = true;
              vpcEndpoints.addAll(values);
            } else if (ifExists) {
              sourceIfExists = true;
            }
          }
          default -> { }
        }
      }
    }
    fromRestricted |= !statementIdentities.isEmpty();
    unrestrictedFrom |= !fromRestricted;
    unrestrictedSource |= !sourceRestricted;
  }

  /** Weaknesses whatever the user expects. */
  List<String> gaps() {
    List<String> gaps = new ArrayList<>();
    if (unrestrictedFrom) {
      gaps.add("no ses:FromAddress condition (any From address may be sent)"
          + (negatedFrom ? "; a negated or ...IfExists ses:FromAddress condition in an Allow restricts nothing: "
              + "it allows every address it does not name" : ""));
    }
    if (unrestrictedSource) {
      gaps.add("no source condition (a leaked key works from anywhere): use aws:SourceIp with the public egress "
          + "address (NAT gateway, Elastic IP), or aws:SourceVpce / aws:VpcSourceIp when hosts send through the SES "
          + "SMTP VPC endpoint, where aws:SourceIp is absent"
          + (sourceIfExists ? " (an ...IfExists source condition passes whenever its key is absent)" : ""));
    }
    for (String cidr : publicCidrs) {
      try {
        Cidr.parse(cidr).privateRangeItTouches().ifPresent(range -> gaps.add("aws:SourceIp lists " + cidr
            + ", inside the private range " + range + ": aws:SourceIp only ever holds public addresses, so sends from "
            + "there are refused; for hosts behind the SES SMTP VPC endpoint use aws:SourceVpce or aws:VpcSourceIp"));
      } catch (IllegalArgumentException notACidr) {
        gaps.add("aws:SourceIp lists '" + cidr + "', which is not an IP address or CIDR block");
      }
    }
    for (String pattern : fromPatterns) {
      int at = pattern.lastIndexOf('@');
      String lower = pattern.substring(0, at + 1) + pattern.substring(at + 1).toLowerCase(Locale.ROOT);
      if (!lower.equals(pattern) && !fromPatterns.contains(lower)) {
        gaps.add("ses:FromAddress " + pattern + " is matched case-sensitively, so mail from " + lower
            + " is refused; list both spellings");
      }
    }
    return gaps;
  }

  /** Differences from the policy the user said to expect. */
  List<String> differences(LeastPrivilegePolicy expected) {
    List<String> out = new ArrayList<>();
    if (!unrestrictedFrom && !fromPatterns.isEmpty() && !fromPatterns.equals(Set.copyOf(expected.fromPatterns()))) {
      out.add("ses:FromAddress is " + fromPatterns + ", expected " + expected.fromPatterns());
    }
    LeastPrivilegePolicy.Sources want = expected.sources();
    if (!want.isEmpty() && !unrestrictedSource) {
      compare(out, "aws:SourceIp", publicCidrs, want.publicCidrs());
      compare(out, "aws:SourceVpce", vpcEndpoints, want.vpcEndpoints());
      compare(out, "aws:VpcSourceIp", vpcCidrs, want.vpcCidrs());
    }
    return out;
  }

  String describe() {
    List<String> parts = new ArrayList<>();
    if (!fromPatterns.isEmpty()) {
      parts.add("for " + fromPatterns);
    }
    if (!identities.isEmpty()) {
      parts.add("on identities " + identities);
    }
    if (!publicCidrs.isEmpty()) {
      parts.add("aws:SourceIp " + publicCidrs);
    }
    if (!vpcEndpoints.isEmpty()) {
      parts.add("aws:SourceVpce " + vpcEndpoints);
    }
    if (!vpcCidrs.isEmpty()) {
      parts.add("aws:VpcSourceIp " + vpcCidrs);
    }
    return String.join(", ", parts);
  }

  private static void compare(List<String> out, String key, Set<String> actual, List<String> expected) {
    if (!actual.equals(Set.copyOf(expected))) {
      out.add(key + " is " + actual + ", expected " + expected);
    }
  }

  /** An ARN whose service part is (or matches) "ses". */
  private static boolean sesResource(String arn) {
    String[] parts = arn.split(":", 4);
    return parts.length >= 3 && parts[0].equals("arn") && IamChecks.matches(parts[2], "ses");
  }
}
