package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;
import static dev.sesame.doctor.Status.WARN;

import dev.sesame.aws.AwsException;
import dev.sesame.aws.SesIdentities;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ses.account, ses.identity, ses.dkim, ses.mailfrom (SESv2): the account may send and has left the
 * sandbox, the From domain is a verified identity, Easy DKIM signs, and a custom MAIL FROM domain
 * is set up (so SPF aligns for DMARC).
 */
public final class SesChecks implements Check {
  static final String ACCOUNT = "ses.account";
  static final String IDENTITY = "ses.identity";
  static final String DKIM = "ses.dkim";
  static final String MAIL_FROM = "ses.mailfrom";

  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(ACCOUNT, EnumSet.of(PASS, WARN, FAIL, SKIP), IDENTITY, EnumSet.of(PASS, FAIL, SKIP),
        DKIM, EnumSet.of(PASS, WARN, FAIL, SKIP), MAIL_FROM, EnumSet.of(PASS, WARN, FAIL, SKIP));
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    List<Finding> out = new ArrayList<>();
    String region = context.entry().flatMap(EntryFacts::region).orElse("(default region)");
    if (context.aws().isEmpty()) {
      String fix = "give doctor read access to SES (AWS_PROFILE, AWS_REGION, or --profile)";
      for (String id : List.of(ACCOUNT, IDENTITY, DKIM, MAIL_FROM)) {
        out.add(Finding.skip(id, "SES " + region, context.awsProblem(), fix));
      }
      return out;
    }
    account(context, region, out);
    if (context.domain().isEmpty()) {
      for (String id : List.of(IDENTITY, DKIM, MAIL_FROM)) {
        out.add(Finding.skip(id, "SES identity", "no sending domain given", "pass --domain DOMAIN"));
      }
      return out;
    }
    String domain = context.domain().get();
    String subject = "SES identity " + domain;
    Optional<SesIdentities.Identity> found;
    try {
      found = context.aws().get().identity(domain);
    } catch (AwsException e) {
      for (String id : List.of(IDENTITY, DKIM, MAIL_FROM)) {
        out.add(Finding.skip(id, subject, e.reason(), e.fix("allow the doctor's caller ses:GetEmailIdentity")));
      }
      return out;
    }
    if (found.isEmpty()) {
      String fix = "create and verify it: aws sesv2 create-email-identity --email-identity " + domain
          + " (then publish its three DKIM CNAMEs)";
      out.add(Finding.fail(IDENTITY, subject, "SES has no identity " + domain + " in " + region
          + ": mail From it is refused", fix));
      out.add(Finding.fail(DKIM, subject, "no identity, so no Easy DKIM", fix));
      out.add(Finding.skip(MAIL_FROM, subject, "no identity", fix));
      return out;
    }
    SesIdentities.Identity identity = found.get();
    if (identity.verifiedForSending()) {
      out.add(Finding.pass(IDENTITY, subject, "verified for sending"));
    } else {
      out.add(Finding.fail(IDENTITY, subject, "not verified for sending",
          "publish the DKIM CNAMEs SES lists for " + domain + " and wait for verification"));
    }
    String status = identity.dkimStatus();
    if (!identity.dkimSigningEnabled()) {
      out.add(Finding.fail(DKIM, subject, "DKIM signing is disabled",
          "aws sesv2 put-email-identity-dkim-attributes --email-identity " + domain + " --signing-enabled"));
    } else if ("SUCCESS".equals(status)) {
      out.add(Finding.pass(DKIM, subject, "Easy DKIM signing, status SUCCESS"));
    } else if ("PENDING".equals(status)) {
      out.add(Finding.warn(DKIM, subject, "Easy DKIM status PENDING: SES has not found the CNAMEs yet",
          "publish the three TOKEN._domainkey." + domain + " CNAMEs (see dns.dkim); SES checks for 72 hours"));
    } else {
      out.add(Finding.fail(DKIM, subject, "Easy DKIM status " + status,
          "fix the TOKEN._domainkey." + domain + " CNAMEs (see dns.dkim), then SES retries"));
    }
    if (identity.mailFromDomain().isEmpty()) {
      out.add(Finding.warn(MAIL_FROM, subject, "no custom MAIL FROM domain: SPF passes for amazonses.com, not "
              + domain + ", so DMARC relies on DKIM alone",
          "aws sesv2 put-email-identity-mail-from-attributes --email-identity " + domain
              + " --mail-from-domain mail." + domain + " (plus its MX and SPF records)"));
    } else if ("SUCCESS".equals(identity.mailFromStatus())) {
      out.add(Finding.pass(MAIL_FROM, subject, "MAIL FROM " + identity.mailFromDomain() + " is set up"));
    } else {
      out.add(Finding.fail(MAIL_FROM, subject, "MAIL FROM " + identity.mailFromDomain() + " status "
              + identity.mailFromStatus(),
          "publish MX 10 feedback-smtp.REGION.amazonses.com and TXT \"v=spf1 include:amazonses.com -all\" at "
              + identity.mailFromDomain()));
    }
    return out;
  }

  private static void account(DoctorContext context, String region, List<Finding> out) {
    String subject = "SES account " + region;
    SesIdentities.Account account;
    try {
      account = context.aws().get().account();
    } catch (AwsException e) {
      out.add(Finding.skip(ACCOUNT, subject, e.reason(), e.fix("allow the doctor's caller ses:GetAccount")));
      return;
    }
    if (!account.sendingEnabled() || "SHUTDOWN".equals(account.enforcementStatus())) {
      out.add(Finding.fail(ACCOUNT, subject, "sending is disabled (enforcement status "
              + account.enforcementStatus() + ")",
          "read the notice in the SES console's reputation dashboard, fix the cause, then ask AWS to re-enable sending"));
    } else if (!account.productionAccess()) {
      out.add(Finding.warn(ACCOUNT, subject, "still in the sandbox: only verified recipients, 200 messages a day",
          "request production access: aws sesv2 put-account-details (SES console: Get set up)"));
    } else if (!"HEALTHY".equals(account.enforcementStatus()) && !account.enforcementStatus().isEmpty()) {
      out.add(Finding.warn(ACCOUNT, subject, "enforcement status " + account.enforcementStatus(),
          "bring bounce and complaint rates down (SES console: reputation metrics)"));
    } else {
      out.add(Finding.pass(ACCOUNT, subject, "sending enabled, production access, status "
          + (account.enforcementStatus().isEmpty() ? "?" : account.enforcementStatus())));
    }
  }
}
