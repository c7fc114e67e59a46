package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserPoliciesTest {
  @Test
  void policyDocumentsArePercentDecodedAsRfc3986WithPlusKeptLiteral() {
    assertThat(UserPolicies.percentDecode("%7B%22Action%22%3A%22ses%3ASendRawEmail%22%7D"))
        .isEqualTo("{\"Action\":\"ses:SendRawEmail\"}");
    assertThat(UserPolicies.percentDecode("a+b%20c")).isEqualTo("a+b c");
    assertThat(UserPolicies.percentDecode("%C3%A9%")).isEqualTo("é%");
  }
}
