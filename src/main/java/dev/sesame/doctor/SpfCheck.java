package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;
import static dev.sesame.doctor.Status.WARN;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * dns.spf (RFC 7208): exactly one v=spf1 record at the domain, which includes amazonses.com and
 * every other sender named, ends in -all (strong) or ~all (softer), and stays within the limit of
 * 10 DNS-querying terms (include, a, mx, ptr, exists, redirect; section 4.6.4), counted through
 * every include and redirect.
 */
public final class SpfCheck implements Check {
  static final String ID = "dns.spf";
  static final int LOOKUP_LIMIT = 10;
  static final String SES = "amazonses.com";

  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(ID, EnumSet.of(PASS, WARN, FAIL, SKIP));
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    if (context.domain().isEmpty()) {
      return List.of(Finding.skip(ID, "SPF", "no sending domain given", "pass --domain DOMAIN"));
    }
    String domain = context.domain().get();
    String subject = "SPF " + domain;
    Dns dns = Dns.using(context.resolver());
    Dns.Answer answer = dns.txt(domain);
    if (answer.outcome() == Dns.Outcome.ERROR) {
      return List.of(Finding.skip(ID, subject, "DNS look-up failed: " + answer.error(),
          "check --resolver HOST:PORT (or the system resolver)"));
    }
    List<String> records = spfRecords(answer.values());
    String model = "TXT \"v=spf1 include:" + SES + " -all\"";
    if (records.isEmpty()) {
      return List.of(Finding.fail(ID, subject, "no v=spf1 record: receivers cannot tell forged mail from yours",
          "publish " + model + " at " + domain));
    }
    if (records.size() > 1) {
      return List.of(Finding.fail(ID, subject, records.size() + " v=spf1 records: SPF evaluation is a permerror"
          + " (RFC 7208 section 4.5)", "merge them into one record, e.g. " + model));
    }
    Walk walk = new Walk(dns);
    String all = walk.evaluate(domain, records.get(0), 0);
    Status status = PASS;
    List<String> reasons = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    List<String> required = new ArrayList<>();
    required.add(SES);
    required.addAll(context.spfSenders());
    for (String sender : required) {
      if (!walk.includes.contains(sender.toLowerCase(Locale.ROOT))) {
        status = status.worse(FAIL);
        reasons.add("does not include " + sender);
        fixes.add("add include:" + sender);
      }
    }
    switch (all) {
      case "-all" -> reasons.add("ends in -all (hard fail, the strongest)");
      case "~all" -> {
        status = status.worse(WARN);
        reasons.add("ends in ~all (soft fail: weaker than -all)");
        fixes.add("end it in -all once every sender is listed");
      }
      default -> {
        status = status.worse(FAIL);
        reasons.add(all.isEmpty() ? "has no all term: unlisted senders are neutral"
            : "ends in " + all + ": anyone may send as " + domain);
        fixes.add("end it in -all (or ~all while testing)");
      }
    }
    if (walk.lookups > LOOKUP_LIMIT) {
      status = status.worse(FAIL);
      reasons.add(walk.lookups + " DNS-querying terms, over the limit of 10 (permerror)");
      fixes.add("flatten includes or drop unused ones to 10 look-ups or fewer");
    } else {
      reasons.add(walk.lookups + " of 10 look-ups");
    }
    walk.problems.forEach(p -> reasons.add(p));
    if (!walk.problems.isEmpty()) {
      status = status.worse(walk.problemStatus);
      fixes.addAll(walk.fixes);
    }
    String reason = String.join("; ", reasons);
    if (status == PASS) {
      return List.of(Finding.pass(ID, subject, reason));
    }
    return List.of(new Finding(ID, status, subject, reason, String.join("; ", fixes)));
  }

  static List<String> spfRecords(List<String> txts) {
    List<String> out = new ArrayList<>();
    for (String txt : txts) {
      String lower = txt.toLowerCase(Locale.ROOT);
      if (lower.equals("v=spf1") || lower.startsWith("v=spf1 ")) {
        out.add(txt);
      }
    }
    return out;
  }

  /** Walks a record and everything it includes, counting the terms that cost a DNS query. */
  private static final class Walk {
    private final Dns dns;
    private final Set<String> includes = new LinkedHashSet<>();
    private final Set<String> visited = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> fixes = new ArrayList<>();
    private Status problemStatus = PASS;
    private int lookups;

    Walk(Dns dns) {
      this.dns = dns;
    }

    /** Returns the record's all term with its qualifier ("-all", "~all", ...), or "" when none. */
    String evaluate(String domain, String record, int depth) {
      visited.add(domain.toLowerCase(Locale.ROOT));
      String all = "";
      String redirect = null;
      for (String term : record.trim().split("\\s+")) {
        String t = term.toLowerCase(Locale.ROOT);
        if (t.equals("v=spf1")) {
          continue;
        }
        char q = t.charAt(0);
        boolean qualified = q == '+' || q == '-' || q == '~' || q == '?';
        String body = qualified ? t.substring(1) : t;
        String qualifier = qualified ? String.valueOf(q) : "+";
        String name = body.split("[:/=]", 2)[0];
        String arg = body.contains(":") ? body.substring(body.indexOf(':') + 1) : "";
        if (body.startsWith("redirect=")) {
          lookups++;
          redirect = body.substring("redirect=".length());
          continue;
        }
        switch (name) {
          case "include" -> {
            lookups++;
            includes.add(arg);
            follow(arg, depth, "include:" + arg);
          }
          case "a", "mx", "exists" -> lookups++;
          case "ptr" -> {
            lookups++;
            problem(WARN, "uses ptr, which RFC 7208 says not to use", "replace ptr with ip4/ip6 or a terms");
          }
          case "all" -> all = qualifier + "all";
          default -> { }
        }
      }
      if (redirect != null) {
        includes.add(redirect);
        String redirected = follow(redirect, depth, "redirect=" + redirect);
        if (all.isEmpty()) {
          all = redirected;
        }
      }
      return all;
    }

    private String follow(String target, int depth, String term) {
      if (visited.contains(target) || depth >= LOOKUP_LIMIT) {
        return "";
      }
      Dns.Answer answer = dns.txt(target);
      List<String> records = spfRecords(answer.values());
      if (records.size() != 1) {
        problem(FAIL, term + " has " + (records.isEmpty() ? "no" : records.size()) + " SPF record"
            + (records.size() > 1 ? "s" : "") + " (permerror)", "fix or remove " + term);
        return "";
      }
      return evaluate(target, records.get(0), depth + 1);
    }

    private void problem(Status status, String reason, String fix) {
      problemStatus = problemStatus.worse(status);
      problems.add(reason);
      fixes.add(fix);
    }
  }
}
