package dev.sesame.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sesame.testing.TestClock;
import dev.sesame.testing.smtp.Logins;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.testing.smtp.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retry schedule, measured on a fake clock: pauses grow, are capped, and stop at the deadline. */
class BackoffTest {
  @TempDir static Path dir;
  static SesStandIn refusing;
  static ProbeOptions base;

  @BeforeAll
  static void start() throws Exception {
    TestPki ca = TestPki.create(dir, "backoff");
    refusing = SesStandIn.builder(ca.issue("ip:" + SesStandIn.ADDRESS, "EC").serverContext(),
        Logins.nobody()).start();
    base = ProbeOptions.defaults()
        .withSslContext(TrustedCas.jvmDefaultPlus(TrustedCas.readPem(ca.caPem())));
  }

  @AfterAll
  static void stop() {
    refusing.close();
  }

  ProbeFailure refusedUntilDeadline(ProbeOptions options) {
    return catchThrowableOfType(() -> SmtpProbe.prove(
        new SmtpEndpoint(SesStandIn.ADDRESS, refusing.port()), "AKIDEXAMPLE", "not-the-password",
        options), ProbeFailure.class);
  }

  @Test
  void pausesDoubleUpToTheCapAndTheLastOneStopsAtTheDeadline() {
    TestClock time = new TestClock();
    ProbeFailure f = refusedUntilDeadline(base.withTime(time, time).withJitter(() -> 1.0)
        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
        .withDeadline(Duration.ofSeconds(40)));
    assertThat(time.pauses()).extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 8L, 8L, 8L, 1L);
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(40));
    assertThat(f.attempts()).isEqualTo(time.pauses().size() + 1);
  }

  @Test
  void jitterDrawsEachPauseFromTheUpperHalfOfTheBackoff() {
    TestClock time = new TestClock();
    refusedUntilDeadline(base.withTime(time, time).withJitter(() -> 0.0)
        .withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2))
        .withDeadline(Duration.ofSeconds(4)));
    assertThat(time.pauses()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void theDefaultDeadlineIs120Seconds() {
    TestClock time = new TestClock();
    ProbeFailure f = refusedUntilDeadline(base.withTime(time, time));
    assertThat(ProbeOptions.defaults().deadline()).isEqualTo(Duration.ofSeconds(120));
    assertThat(f.elapsed()).isEqualTo(Duration.ofSeconds(120));
    assertThat(f.diagnosis()).isEqualTo(Diagnosis.AUTH_REJECTED);
  }

  @Test
  void aSlowAttemptPastTheDeadlineIsTheLastOne() {
    TestClock time = new TestClock();
    ProbeOptions.Sleeper slowWorld = pause -> time.advance(Duration.ofSeconds(50));
    ProbeFailure f = refusedUntilDeadline(base.withTime(time, slowWorld)
        .withDeadline(Duration.ofSeconds(60)));
    assertThat(f.attempts()).isEqualTo(3); // at 0 s, 50 s, 100 s: then past the deadline
  }

  @Test
  void interruptionEndsTheWaitAndKeepsTheInterruptFlag() {
    TestClock time = new TestClock();
    ProbeOptions.Sleeper interrupted = pause -> {
      throw new InterruptedException();
    };
    ProbeFailure f = refusedUntilDeadline(base.withTime(time, interrupted));
    assertThat(f.attempts()).isEqualTo(1);
    assertThat(Thread.interrupted()).isTrue(); // also clears it for the next test
  }

  @Test
  void optionsRefuseNonsense() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withDeadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProbeOptions.defaults()
        .withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
