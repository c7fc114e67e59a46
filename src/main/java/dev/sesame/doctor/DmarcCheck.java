package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;
import static dev.sesame.doctor.Status.WARN;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * dns.dmarc (RFC 7489): one v=DMARC1 record at _dmarc.DOMAIN with p=quarantine or p=reject
 * (p=none only monitors), pct=100, aggregate reports to valid mailto: URIs, and valid adkim/aspf.
 */
public final class DmarcCheck implements Check {
  static final String ID = "dns.dmarc";
  // RFC 7489 section 6.4: rua is a comma-separated list of URIs, each optionally "!size[kmgt]".
  private static final Pattern MAILTO = Pattern.compile("(?i)mailto:[^@\\s!,]+@[a-z0-9.-]+\\.[a-z]{2,}(![0-9]+[kmgt]?)?");

  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(ID, EnumSet.of(PASS, WARN, FAIL, SKIP));
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    if (context.domain().isEmpty()) {
      return List.of(Finding.skip(ID, "DMARC", "no sending domain given", "pass --domain DOMAIN"));
    }
    String domain = context.domain().get();
    String name = "_dmarc." + domain;
    String subject = "DMARC " + name;
    String model = "TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@" + domain + "\"";
    Dns.Answer answer = Dns.using(context.resolver()).txt(name);
    if (answer.outcome() == Dns.Outcome.ERROR) {
      return List.of(Finding.skip(ID, subject, "DNS look-up failed: " + answer.error(),
          "check --resolver HOST:PORT (or the system resolver)"));
    }
    List<String> records = answer.values().stream().filter(v -> v.startsWith("v=DMARC1")).toList();
    if (records.isEmpty()) {
      return List.of(Finding.fail(ID, subject, "no DMARC record: receivers apply no policy to mail forged as " + domain,
          "publish " + model + " at " + name));
    }
    if (records.size() > 1) {
      return List.of(Finding.fail(ID, subject, records.size() + " DMARC records: receivers ignore them all"
          + " (RFC 7489 section 6.6.3)", "keep one: " + model));
    }
    Map<String, String> tags = tags(records.get(0));
    Status status = PASS;
    List<String> reasons = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    String p = tags.getOrDefault("p", "");
    switch (p) {
      case "reject", "quarantine" -> reasons.add("p=" + p);
      case "none" -> {
        status = status.worse(WARN);
        reasons.add("p=none: monitoring only, forged mail is still delivered");
        fixes.add("raise to p=quarantine, then p=reject, once reports show only your own senders");
      }
      default -> {
        status = status.worse(FAIL);
        reasons.add(p.isEmpty() ? "no p= tag: the record is invalid" : "p=" + p + " is not a policy");
        fixes.add("set p=quarantine or p=reject");
      }
    }
    if ("none".equals(tags.get("sp")) && !"none".equals(p)) {
      status = status.worse(WARN);
      reasons.add("sp=none leaves subdomains open");
      fixes.add("drop sp= or set sp=" + p);
    }
    String pct = tags.getOrDefault("pct", "100");
    if (!pct.matches("[0-9]{1,3}") || Integer.parseInt(pct) > 100) {
      status = status.worse(FAIL);
      reasons.add("pct=" + pct + " is not 0-100");
      fixes.add("set pct=100 (or drop it)");
    } else if (Integer.parseInt(pct) < 100) {
      status = status.worse(WARN);
      reasons.add("pct=" + pct + ": the policy covers only " + pct + "% of failing mail");
      fixes.add("raise pct to 100 (or drop it)");
    }
    String rua = tags.getOrDefault("rua", "");
    if (rua.isEmpty()) {
      status = status.worse(WARN);
      reasons.add("no rua: you get no aggregate reports");
      fixes.add("add rua=mailto:dmarc-reports@" + domain);
    } else {
      for (String uri : rua.split(",")) {
        if (!MAILTO.matcher(uri.trim()).matches()) {
          status = status.worse(FAIL);
          reasons.add("rua URI '" + uri.trim() + "' is not a mailto: address");
          fixes.add("write rua as mailto:ADDRESS[,mailto:ADDRESS]");
        }
      }
    }
    for (String alignment : List.of("adkim", "aspf")) {
      String value = tags.getOrDefault(alignment, "r");
      if (!value.equals("r") && !value.equals("s")) {
        status = status.worse(FAIL);
        reasons.add(alignment + "=" + value + " is neither r nor s");
        fixes.add("set " + alignment + "=r (relaxed) or s (strict)");
      } else {
        reasons.add(alignment + "=" + value);
      }
    }
    String reason = String.join("; ", reasons);
    if (status == PASS) {
      return List.of(Finding.pass(ID, subject, reason + (rua.isEmpty() ? "" : "; rua=" + rua)));
    }
    return List.of(new Finding(ID, status, subject, reason, String.join("; ", fixes)));
  }

  static Map<String, String> tags(String record) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : record.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        tags.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
      }
    }
    return tags;
  }
}
