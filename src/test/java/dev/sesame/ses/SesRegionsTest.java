package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SesRegionsTest {

  @Test
  void shippedRegionsFileParsesAndListsTheMainRegions() {
    assertThat(SesRegions.known())
        .contains("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2",
            "us-gov-west-1")
        .doesNotHaveDuplicates()
        .allMatch(SesRegions::isWellFormed);
  }

  @Test
  void knownListIsUnmodifiable() {
    assertThatThrownBy(() -> SesRegions.known().add("xx-east-1"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void knownRegionsAreRecognised() {
    assertThat(SesRegions.isKnown("eu-central-1")).isTrue();
    assertThat(SesRegions.isKnown("us-gov-west-1")).isTrue();
  }

  @Test
  void unknownOrMalformedRegionsAreNotKnown() {
    assertThat(SesRegions.isKnown("xx-future-9")).isFalse();
    assertThat(SesRegions.isKnown("EU-CENTRAL-1")).isFalse();
    assertThat(SesRegions.isKnown("")).isFalse();
    assertThat(SesRegions.isKnown(null)).isFalse();
  }

  @Test
  void smtpHostOfAKnownRegion() {
    assertThat(SesRegions.smtpHost("eu-central-1")).isEqualTo("email-smtp.eu-central-1.amazonaws.com");
    assertThat(SesRegions.smtpHost("us-gov-west-1")).isEqualTo("email-smtp.us-gov-west-1.amazonaws.com");
  }

  @Test
  void smtpHostOfAnUnknownRegionFollowsTheUsualPattern() {
    assertThat(SesRegions.smtpHost("xx-future-9")).isEqualTo("email-smtp.xx-future-9.amazonaws.com");
  }

  @Test
  void smtpHostRejectsMalformedRegionsWithoutEchoingThem() {
    for (String region : new String[] {null, "", "Eu-West-1", "evil.example.com", "a/b"}) {
      assertThatThrownBy(() -> SesRegions.smtpHost(region)).isInstanceOf(IllegalArgumentException.class)
          .message().doesNotContain("evil").doesNotContain("a/b");
    }
  }

  @Test
  void parseReadsCommentsBlankLinesAndOptionalHostColumn() {
    Map<String, String> hosts = SesRegions.parse(List.of(
        "# header",
        "",
        "  eu-west-1   # trailing comment",
        "us-gov-west-1\temail-smtp-fips.us-gov-west-1.amazonaws.com"));
    assertThat(hosts).containsExactly(
        Map.entry("eu-west-1", "email-smtp.eu-west-1.amazonaws.com"),
        Map.entry("us-gov-west-1", "email-smtp-fips.us-gov-west-1.amazonaws.com"));
  }

  @Test
  void parseRejectsMalformedAndDuplicateLinesNamingTheLine() {
    assertThatThrownBy(() -> SesRegions.parse(List.of("eu-west-1", "EU WEST")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    assertThatThrownBy(() -> SesRegions.parse(List.of("eu-west-1 host.example extra")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1");
    assertThatThrownBy(() -> SesRegions.parse(List.of("eu-west-1", "# x", "eu-west-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3")
        .hasMessageContaining("duplicate");
  }
}
