package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.dns.Dnsmasq;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dns.spf, dns.dmarc and dns.dkim against a real dnsmasq serving good and broken zones. */
@Tag("mail-stack")
class DnsChecksTest {
  private static final CoverageTable COVERAGE = new CoverageTable("DnsChecksTest");
  @TempDir
  static Path dir;
  private static Dnsmasq dns;

  @BeforeAll
  static void startDns() throws Exception {
    dns = Dnsmasq.start(dir, List.of(
        "local=/test/",
        "local=/amazonses.com/",
        "txt-record=amazonses.com,\"v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 -all\"",
        "txt-record=partner.test,\"v=spf1 ip4:192.0.2.0/24 -all\"",
        // good.test: one strict SPF, DMARC p=reject with reports, three Easy DKIM CNAMEs
        "txt-record=good.test,\"v=spf1 include:amazonses.com include:partner.test -all\"",
        "txt-record=good.test,\"google-site-verification=abc\"",
        "txt-record=_dmarc.good.test,\"v=DMARC1; p=reject; rua=mailto:dmarc@good.test,mailto:x@partner.test!10m; adkim=s; aspf=r\"",
        "host-record=tok1.dkim.amazonses.com,127.0.0.11",
        "host-record=tok2.dkim.amazonses.com,127.0.0.12",
        "host-record=tok3.dkim.amazonses.com,127.0.0.13",
        "host-record=elsewhere.test,127.0.0.14",
        "cname=tok1._domainkey.good.test,tok1.dkim.amazonses.com",
        "cname=tok2._domainkey.good.test,tok2.dkim.amazonses.com",
        "cname=tok3._domainkey.good.test,tok3.dkim.amazonses.com",
        // soft.test: ~all, DMARC p=none at pct=50 with no reports
        "txt-record=soft.test,\"v=spf1 include:amazonses.com ~all\"",
        "txt-record=_dmarc.soft.test,\"v=DMARC1; p=none; pct=50\"",
        // open.test: no SES include and +all; DMARC rua not mailto, bad alignment; DKIM pointing elsewhere
        "txt-record=open.test,\"v=spf1 ip4:198.51.100.1 +all\"",
        "txt-record=_dmarc.open.test,\"v=DMARC1; p=quarantine; rua=https://reports.open.test/; adkim=x\"",
        "cname=tok1._domainkey.open.test,elsewhere.test",
        // two.test: two SPF records and two DMARC records
        "txt-record=two.test,\"v=spf1 include:amazonses.com -all\"",
        "txt-record=two.test,\"v=spf1 mx -all\"",
        "txt-record=_dmarc.two.test,\"v=DMARC1; p=reject; rua=mailto:a@two.test\"",
        "txt-record=_dmarc.two.test,\"v=DMARC1; p=none; rua=mailto:a@two.test\"",
        // deep.test: 12 DNS-querying terms through includes
        "txt-record=deep.test,\"v=spf1 a mx include:amazonses.com include:n1.test include:n2.test include:n3.test -all\"",
        "txt-record=n1.test,\"v=spf1 a mx -all\"",
        "txt-record=n2.test,\"v=spf1 a mx -all\"",
        "txt-record=n3.test,\"v=spf1 a mx -all\"",
        // ptr.test: ptr is discouraged; redirect carries the all term
        "txt-record=ptr.test,\"v=spf1 ptr include:amazonses.com redirect=strict.test\"",
        "txt-record=strict.test,\"v=spf1 -all\"",
        // dangling.test: includes a name with no SPF record
        "txt-record=dangling.test,\"v=spf1 include:amazonses.com include:gone.test -all\"",
        "txt-record=_dmarc.dangling.test,\"v=DMARC1; rua=mailto:d@dangling.test\""));
  }

  @AfterAll
  static void stopDns() throws Exception {
    if (dns != null) {
      dns.close();
    }
    COVERAGE.assertComplete();
  }

  private static List<Finding> run(Check check, String domain, Consumer<DoctorContext.Builder> more) {
    DoctorContext.Builder b = DoctorContext.builder().resolver(dns.address());
    if (domain != null) {
      b.domain(domain);
    }
    more.accept(b);
    return COVERAGE.record(check.run(b.build()));
  }

  private static Finding only(List<Finding> findings) {
    assertThat(findings).hasSize(1);
    return findings.get(0);
  }

  @Test
  void spfWithSesAndOtherSendersEndingInDashAllPasses() {
    Finding f = only(run(new SpfCheck(), "good.test", b -> b.spfSenders(List.of("partner.test"))));
    assertThat(f.status()).isEqualTo(Status.PASS);
    assertThat(f.reason()).contains("-all").contains("2 of 10 look-ups");
  }

  @Test
  void spfSoftFailIsAWarningThatNamesTheStrongerForm() {
    Finding f = only(run(new SpfCheck(), "soft.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.reason()).contains("~all").contains("weaker than -all");
    assertThat(f.fix()).contains("-all");
  }

  @Test
  void spfWithoutSesIncludeAndPlusAllFails() {
    Finding f = only(run(new SpfCheck(), "open.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("does not include amazonses.com").contains("+all");
    assertThat(f.fix()).contains("include:amazonses.com");
  }

  @Test
  void aMissingRequiredSenderFails() {
    Finding f = only(run(new SpfCheck(), "soft.test", b -> b.spfSenders(List.of("partner.test"))));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("does not include partner.test");
  }

  @Test
  void twoSpfRecordsAreAPermError() {
    Finding f = only(run(new SpfCheck(), "two.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("2 v=spf1 records");
  }

  @Test
  void noSpfRecordFails() {
    Finding f = only(run(new SpfCheck(), "nothing.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("no v=spf1 record");
  }

  @Test
  void lookupsAreCountedThroughIncludesAgainstTheLimitOfTen() {
    Finding f = only(run(new SpfCheck(), "deep.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("12 DNS-querying terms, over the limit of 10");
  }

  @Test
  void ptrIsWarnedAboutAndRedirectSuppliesTheAllTerm() {
    Finding f = only(run(new SpfCheck(), "ptr.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.reason()).contains("ptr").contains("ends in -all").contains("3 of 10");
  }

  @Test
  void anIncludeWithoutSpfRecordFails() {
    Finding f = only(run(new SpfCheck(), "dangling.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("include:gone.test has no SPF record");
  }

  @Test
  void dnsChecksSkipWithoutADomain() {
    for (Check check : List.of(new SpfCheck(), new DmarcCheck(), new DkimCheck())) {
      Finding f = only(run(check, null, b -> { }));
      assertThat(f.status()).isEqualTo(Status.SKIP);
      assertThat(f.fix()).contains("--domain");
    }
  }

  @Test
  void dmarcRejectWithReportsAndAlignmentPasses() {
    Finding f = only(run(new DmarcCheck(), "good.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.PASS);
    assertThat(f.reason()).contains("p=reject").contains("adkim=s").contains("aspf=r").contains("rua=mailto:");
  }

  @Test
  void dmarcNoneAtPartialPercentWithoutReportsWarns() {
    Finding f = only(run(new DmarcCheck(), "soft.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.reason()).contains("p=none").contains("pct=50").contains("no rua");
  }

  @Test
  void dmarcWithANonMailtoRuaAndBadAlignmentFails() {
    Finding f = only(run(new DmarcCheck(), "open.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.reason()).contains("'https://reports.open.test/' is not a mailto:").contains("adkim=x");
  }

  @Test
  void dmarcMissingTwiceOrWithoutPolicyFails() {
    assertThat(only(run(new DmarcCheck(), "nothing.test", b -> { })).reason()).contains("no DMARC record");
    assertThat(only(run(new DmarcCheck(), "two.test", b -> { })).reason()).contains("2 DMARC records");
    Finding noPolicy = only(run(new DmarcCheck(), "dangling.test", b -> { }));
    assertThat(noPolicy.status()).isEqualTo(Status.FAIL);
    assertThat(noPolicy.reason()).contains("no p= tag");
  }

  @Test
  void easyDkimCnamesPointingAtSesPass() {
    List<Finding> findings = run(new DkimCheck(), "good.test", b -> b.dkimTokens(List.of("tok1", "tok2", "tok3")));
    assertThat(findings).hasSize(3).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.PASS));
    assertThat(findings.get(0).reason()).contains("tok1.dkim.amazonses.com");
  }

  @Test
  void dkimCnamesMissingOrPointingElsewhereFail() {
    List<Finding> findings = run(new DkimCheck(), "open.test", b -> b.dkimTokens(List.of("tok1", "tok2")));
    assertThat(findings).extracting(Finding::status).containsExactly(Status.FAIL, Status.FAIL);
    assertThat(findings.get(0).reason()).contains("points at elsewhere.test");
    assertThat(findings.get(1).reason()).contains("no CNAME");
    assertThat(findings.get(1).fix()).contains("tok2._domainkey.open.test -> tok2.dkim.amazonses.com");
  }

  @Test
  void dkimSkipsWithoutTokens() {
    Finding f = only(run(new DkimCheck(), "good.test", b -> { }));
    assertThat(f.status()).isEqualTo(Status.SKIP);
    assertThat(f.fix()).contains("--dkim-token");
  }
}
