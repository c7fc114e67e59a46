package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;

import dev.sesame.aws.AwsException;
import dev.sesame.aws.SesIdentities;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * dns.dkim: each SES Easy DKIM token has its CNAME TOKEN._domainkey.DOMAIN pointing at
 * TOKEN.dkim.amazonses.com (SES Developer Guide: "Easy DKIM in Amazon SES"), so receivers find the
 * public key of the RFC 6376 signatures SES adds. Tokens come from SESv2 when AWS is reachable,
 * else from --dkim-token.
 */
public final class DkimCheck implements Check {
  static final String ID = "dns.dkim";

  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(ID, EnumSet.of(PASS, FAIL, SKIP));
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    if (context.domain().isEmpty()) {
      return List.of(Finding.skip(ID, "DKIM", "no sending domain given", "pass --domain DOMAIN"));
    }
    String domain = context.domain().get();
    List<String> tokens = new ArrayList<>(context.dkimTokens());
    String source = "--dkim-token";
    if (tokens.isEmpty() && context.aws().isPresent()) {
      try {
        Optional<SesIdentities.Identity> identity = context.aws().get().identity(domain);
        identity.ifPresent(i -> tokens.addAll(i.dkimTokens()));
        source = "SES";
      } catch (AwsException e) {
        source = "none (" + e.kind().words() + ")";
      }
    }
    if (tokens.isEmpty()) {
      return List.of(Finding.skip(ID, "DKIM " + domain, "no Easy DKIM tokens known (from SES or --dkim-token)",
          "give doctor SES read access, or pass the three tokens with --dkim-token"));
    }
    Dns dns = Dns.using(context.resolver());
    List<Finding> out = new ArrayList<>();
    for (String token : tokens) {
      String name = token + "._domainkey." + domain;
      String expected = token + ".dkim.amazonses.com";
      String subject = "DKIM " + name;
      String fix = "publish CNAME " + name + " -> " + expected;
      Dns.Answer answer = dns.cname(name);
      if (answer.outcome() == Dns.Outcome.ERROR) {
        out.add(Finding.skip(ID, subject, "DNS look-up failed: " + answer.error(), "check --resolver HOST:PORT"));
      } else if (answer.values().isEmpty()) {
        out.add(Finding.fail(ID, subject, "no CNAME (token from " + source + "): receivers cannot verify SES's"
            + " DKIM signatures", fix));
      } else {
        String target = answer.values().get(0).toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (target.equals(expected.toLowerCase(Locale.ROOT))) {
          out.add(Finding.pass(ID, subject, "CNAME -> " + expected));
        } else {
          out.add(Finding.fail(ID, subject, "CNAME points at " + target + ", not " + expected, fix));
        }
      }
    }
    return out;
  }
}
