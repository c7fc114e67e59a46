package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmtpPortsTest {

  @Test
  void implicitTlsPortsAre465And2465() {
    assertThat(SmtpPorts.isImplicitTls(465)).isTrue();
    assertThat(SmtpPorts.isImplicitTls(2465)).isTrue();
  }

  @Test
  void startTlsPortsAreNotImplicitTls() {
    for (int port : new int[] {587, 25, 2587}) {
      assertThat(SmtpPorts.isImplicitTls(port)).as("port %d", port).isFalse();
      assertThat(SmtpPorts.isSesPort(port)).as("port %d", port).isTrue();
    }
    assertThat(SmtpPorts.STARTTLS_PORTS).contains(SmtpPorts.DEFAULT);
  }

  @Test
  void otherPortsAreNotSesPorts() {
    assertThat(SmtpPorts.isSesPort(2525)).isFalse();
    assertThat(SmtpPorts.isImplicitTls(2525)).isFalse();
  }
}
