package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpEndpointTest {
  @Test
  void parsesHostAndPort() {
    assertThat(SmtpEndpoint.parse("email-smtp.eu-west-1.amazonaws.com:2587"))
        .isEqualTo(new SmtpEndpoint("email-smtp.eu-west-1.amazonaws.com", 2587));
  }

  @Test
  void parsesBracketedIpv6() {
    SmtpEndpoint e = SmtpEndpoint.parse("[::1]:587");
    assertThat(e.host()).isEqualTo("::1");
    assertThat(e).hasToString("[::1]:587");
  }

  @Test
  void rejectsMissingOrBadPorts() {
    for (String bad : new String[] {"host", "host:", ":587", "host:0", "host:65536", "host:58x",
        "::1:587", "[::1]587", "a b:25"}) {
      assertThatThrownBy(() -> SmtpEndpoint.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void regionComesFromAnSesHostOnly() {
    assertThat(SmtpEndpoint.forRegion("us-east-1").region()).contains("us-east-1");
    assertThat(SmtpEndpoint.forRegion("us-east-1").port()).isEqualTo(587);
    assertThat(new SmtpEndpoint("mail.example.com", 587).region()).isEmpty();
  }

  @Test
  void implicitTlsOnlyOn465And2465() {
    assertThat(new SmtpEndpoint("h", 465).tlsMode()).isEqualTo(TlsMode.IMPLICIT);
    assertThat(new SmtpEndpoint("h", 2465).tlsMode()).isEqualTo(TlsMode.IMPLICIT);
    for (int port : new int[] {25, 587, 2587}) {
      assertThat(new SmtpEndpoint("h", port).tlsMode()).isEqualTo(TlsMode.STARTTLS);
    }
  }
}
