package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpPasswordTest {
  private static final String AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @Test
  void derivesTheKnownPasswordInEuCentral1() {
    assertThat(SmtpPassword.derive("some+secret+key", "eu-central-1"))
        .isEqualTo("BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2");
  }

  @Test
  void derivesTheAwsDocumentationExampleInUsEast2() {
    assertThat(SmtpPassword.derive(AWS_EXAMPLE_SECRET, "us-east-2"))
        .isEqualTo("BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS");
  }

  @Test
  void passwordIsRegionSpecific() {
    String euCentral = SmtpPassword.derive("some+secret+key", "eu-central-1");
    String euWest = SmtpPassword.derive("some+secret+key", "eu-west-1");
    assertThat(euWest).isNotEqualTo(euCentral).startsWith("B").hasSize(44);
  }

  @Test
  void unknownButWellFormedRegionsStillDerive() {
    assertThat(SmtpPassword.derive(AWS_EXAMPLE_SECRET, "xx-future-9")).hasSize(44);
  }

  @Test
  void rejectsMissingSecretWithoutEchoingIt() {
    assertThatThrownBy(() -> SmtpPassword.derive(null, "us-east-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SmtpPassword.derive("", "us-east-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWhitespaceInTheSecretWithoutEchoingIt() {
    for (String bad : new String[] {AWS_EXAMPLE_SECRET + "\n", " " + AWS_EXAMPLE_SECRET, "wJalr XUtn", "wJalr\u0000"}) {
      assertThatThrownBy(() -> SmtpPassword.derive(bad, "us-east-1"))
          .isInstanceOf(IllegalArgumentException.class)
          .message().doesNotContain(bad.strip()).doesNotContain("wJalr");
    }
  }

  @Test
  void rejectsMalformedRegionsWithoutEchoingTheSecret() {
    for (String region : new String[] {null, "", "EU-WEST-1", "eu_west_1", "eu-west-1\n", "eu west"}) {
      assertThatThrownBy(() -> SmtpPassword.derive(AWS_EXAMPLE_SECRET, region))
          .isInstanceOf(IllegalArgumentException.class)
          .message().doesNotContain(AWS_EXAMPLE_SECRET).contains("region");
    }
  }

  @Test
  void swappedArgumentsDoNotLeakTheSecretIntoTheMessage() {
    assertThatThrownBy(() -> SmtpPassword.derive("us-east-1", AWS_EXAMPLE_SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain(AWS_EXAMPLE_SECRET).doesNotContain("EXAMPLEKEY");
  }
}
