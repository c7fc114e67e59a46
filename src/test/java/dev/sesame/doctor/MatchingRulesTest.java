package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.aws.LeastPrivilegePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small rules under the checks: IAM action wildcards, SPF record selection, DMARC tags, policy inputs. */
class MatchingRulesTest {
  @Test
  void iamActionWildcardsMatchLikeIam() {
    assertThat(IamChecks.matches("ses:*", "ses:SendRawEmail")).isTrue();
    assertThat(IamChecks.matches("SES:send*", "ses:SendRawEmail")).isTrue();
    assertThat(IamChecks.matches("ses:Send?mail", "ses:SendEmail")).isTrue();
    assertThat(IamChecks.matches("ses:Send?Email", "ses:SendRawEmail")).isFalse();
    assertThat(IamChecks.matches("*", "ses:SendRawEmail")).isTrue();
    assertThat(IamChecks.matches("ses:SendEmail", "ses:SendRawEmail")).isFalse();
  }

  @Test
  void onlyRecordsThatStartWithTheSpfVersionCount() {
    assertThat(SpfCheck.spfRecords(List.of("v=spf1 -all", "V=SPF1", "v=spf10 -all", "spf2.0/pra", "x v=spf1")))
        .containsExactly("v=spf1 -all", "V=SPF1");
  }

  @Test
  void dmarcTagsAreSplitOnSemicolonsAndTrimmed() {
    assertThat(DmarcCheck.tags("v=DMARC1;p=reject ; RUA = mailto:a@b.example;"))
        .containsEntry("p", "reject").containsEntry("rua", "mailto:a@b.example");
  }

  @Test
  void policyInputsAreValidated() {
    assertThat(LeastPrivilegePolicy.forDomain("Example.COM.", List.of()).fromPattern()).isEqualTo("*@example.com");
    assertThatThrownBy(() -> LeastPrivilegePolicy.forDomain("not a domain", List.of()))
        .hasMessageContaining("not a domain name");
    assertThatThrownBy(() -> LeastPrivilegePolicy.forAddress("*@example.com", List.of()))
        .hasMessageContaining("not an email address");
    assertThatThrownBy(() -> LeastPrivilegePolicy.forDomain("example.com", List.of("10.0.0.0/8; drop")))
        .hasMessageContaining("not an IP address or CIDR block");
  }

  @Test
  void theReportExitsOneOnlyWhenSomethingFails() {
    Report warnOnly = new Report(List.of(Finding.warn("dns.spf", "SPF x", "soft", "harden")));
    Report failing = new Report(List.of(Finding.pass("dns.spf", "SPF x", "ok"), Finding.fail("dns.dmarc", "d", "r", "f")));
    assertThat(warnOnly.exitCode()).isZero();
    assertThat(failing.exitCode()).isEqualTo(1);
    assertThat(failing.json()).isEqualTo("{\"findings\":[{\"check\":\"dns.spf\",\"status\":\"PASS\",\"subject\":\"SPF x\","
        + "\"reason\":\"ok\",\"fix\":\"nothing to do\"},{\"check\":\"dns.dmarc\",\"status\":\"FAIL\",\"subject\":\"d\","
        + "\"reason\":\"r\",\"fix\":\"f\"}]}");
    assertThat(failing.table()).contains("FAIL  dns.dmarc  d").contains("fix: f").endsWith("1 FAIL, 0 WARN, 1 PASS, 0 SKIP"
        + System.lineSeparator());
  }
}
