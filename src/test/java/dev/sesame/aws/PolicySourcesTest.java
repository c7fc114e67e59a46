package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.aws.LeastPrivilegePolicy.Sources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SMTP user's policy: one statement per network path, private ranges refused, From in both cases. */
class PolicySourcesTest {
  private static JsonNode json(LeastPrivilegePolicy policy) throws Exception {
    return new ObjectMapper().readTree(policy.json());
  }

  @Test
  void privateRangesAreRefusedForSourceIpWithTheReasonAndTheVpcOptions() {
    for (String cidr : List.of("10.0.0.0/8", "172.20.1.0/24", "192.168.1.10", "100.64.0.0/16", "fd00::/8", "0.0.0.0/0")) {
      assertThatThrownBy(() -> new Sources(List.of(cidr), List.of(), List.of()))
          .as(cidr).hasMessageContaining("only ever holds public addresses").hasMessageContaining("--source-vpce");
    }
    assertThat(new Sources(List.of("203.0.113.0/24", "2001:db8::/32"), List.of(), List.of()).publicCidrs()).hasSize(2);
  }

  @Test
  void publicEgressAndTheVpcEndpointAreSeparateStatements() throws Exception {
    JsonNode statements = json(LeastPrivilegePolicy.forDomain("example.com", List.of(),
        new Sources(List.of("203.0.113.7/32"), List.of("vpce-0123456789abcdef0"), List.of("10.1.0.0/16")))).get("Statement");
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).get("Condition").get("IpAddress").get("aws:SourceIp").asText()).isEqualTo("203.0.113.7/32");
    assertThat(statements.get(0).get("Condition").has("StringEquals")).isFalse();
    JsonNode vpc = statements.get(1).get("Condition");
    assertThat(vpc.get("StringEquals").get("aws:SourceVpce").asText()).isEqualTo("vpce-0123456789abcdef0");
    assertThat(vpc.get("IpAddress").get("aws:VpcSourceIp").asText()).isEqualTo("10.1.0.0/16");
    assertThat(vpc.has("aws:SourceIp")).isFalse();
    assertThat(vpc.get("StringLike").get("ses:FromAddress").asText()).isEqualTo("*@example.com");
  }

  @Test
  void aMalformedEndpointIdIsRefused() {
    assertThatThrownBy(() -> new Sources(List.of(), List.of("vpc-123"), List.of())).hasMessageContaining("VPC endpoint id");
  }

  @Test
  void aDomainIsAllowedAsWrittenAndInLowerCaseAndEnvelopeDomainsToo() throws Exception {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.forDomain("Example.COM", List.of("bounces.example.com"), Sources.none());
    assertThat(policy.fromPatterns()).containsExactly("*@example.com", "*@Example.COM", "*@bounces.example.com");
    assertThat(json(policy).get("Statement").get(0).get("Condition").get("StringLike").get("ses:FromAddress"))
        .hasSize(3);
    assertThat(policy.options()).isEqualTo("--from-domain example.com --envelope-domain bounces.example.com");
  }

  @Test
  void anAddressWithAnEnvelopeDomainUsesStringLike() {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.forAddress("billing@Example.com", List.of("bounce.example.com"),
        Sources.none());
    assertThat(policy.fromPatterns()).containsExactly("billing@Example.com", "billing@example.com", "*@bounce.example.com");
    assertThat(policy.fromOperator()).isEqualTo("StringLike");
  }
}
