package dev.sesame.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.rotate.RotationStand.CliResult;
import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.smtp.SesStandIn;
import dev.sesame.vault.Credential;
import dev.sesame.vault.Label;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rotation end to end through real mail software ({@link EximRelay}: a real Exim daemon and
 * PHPMailer configured by the shipped templates) relaying to an SES stand-in that accepts exactly
 * the Active keys of the IAM stand-in. The rotations run through the real CLI (in process).
 */
@Tag("mail-stack")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EximRotationEndToEndTest {
  private static Path dir;
  private static RotationStand stand;
  private static EximRelay relay;

  @BeforeAll
  static void start() throws Exception {
    dir = EximDaemon.workDir("sesame-rotation-exim");
    StandCertificate cert = StandCertificate.create(dir);
    stand = RotationStand.start(Files.createDirectory(dir.resolve("world")), cert, 587);
    relay = EximRelay.start(dir, stand);
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) {
      relay.close();
    }
    if (stand != null) {
      stand.close();
    }
    EximDaemon.deleteTree(dir);
  }

  /** The SES delivery whose data contains MARKER or whose sender is MARKER, waiting for it. */
  private static SesStandIn.Delivery awaitDelivery(String marker) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      for (SesStandIn.Delivery d : stand.deliveries()) {
        if (d.data().contains(marker) || marker.equals(d.from())) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no delivery of " + marker + "; exim main log:\n" + relay.log("main") + relay.log("reject"));
  }

  private static void assertBothDeliverWith(String key, String label) throws Exception {
    relay.submit("exim " + label);
    assertThat(awaitDelivery("Subject: exim " + label).username()).as("Exim " + label).isEqualTo(key);
    String from = "php-" + label + "@sesame-test.invalid";
    relay.sendWithPhpMailer(from);
    assertThat(awaitDelivery(from).username()).as("PHPMailer " + label).isEqualTo(key);
  }

  @Test
  @Order(1)
  void aScheduledRotationMovesEximAndPhpMailerToTheNewKeyWithoutARestart() throws Exception {
    assertBothDeliverWith(stand.firstKey, "before");
    long eximPid = relay.eximPid();

    CliResult run = stand.sesame("rotate", "prod", "--targets", relay.targets().toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = stand.currentKey();
    assertThat(newKey).isNotEqualTo(stand.firstKey);
    assertBothDeliverWith(newKey, "after");
    assertThat(relay.eximPid()).isEqualTo(eximPid);
    assertThat(relay.eximAlive()).isTrue();
    // The grace period: the previous key stays active, and is recorded for a later run to retire.
    assertThat(stand.iamKeys()).containsExactlyInAnyOrder(stand.firstKey, newKey);
    assertThat(stand.state()).containsEntry("retire.key_id", stand.firstKey);
    assertThat(stand.version(Label.PREVIOUS).credential().field(Credential.ACCESS_KEY_ID)).contains(stand.firstKey);
  }

  @Test
  @Order(2)
  void aSteadySendLoopThroughEximLosesAndDefersNothingDuringAFullRetireNowRotation() throws Exception {
    String keyBefore = stand.currentKey();
    int deliveredBefore = stand.deliveries().size();
    List<String> sent = Collections.synchronizedList(new ArrayList<>());
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean sending = new AtomicBoolean(true);
    Thread loop = new Thread(() -> sendLoop(sending, sent, failures), "send-loop");
    long started = System.nanoTime();
    loop.start();
    // The loop runs before the rotation (some of its messages delivered with the old key), during it,
    // and after it; counted, not timed.
    awaitLoop(() -> stand.deliveries().size() >= deliveredBefore + LOOP_MESSAGES_AROUND, failures,
        "the loop's first messages delivered");

    CliResult run = stand.sesame("rotate", "prod", "--targets", relay.targets().toString(), "--retire-now");

    int sentByTheEnd = sent.size();
    awaitLoop(() -> sent.size() >= sentByTheEnd + LOOP_MESSAGES_AROUND, failures, "messages sent after the rotation");
    sending.set(false);
    loop.join();
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(run.exitCode()).as(run.toString()).isZero();
    String newKey = stand.currentKey();
    assertThat(newKey).isNotEqualTo(keyBefore);
    assertThat(failures).as("submissions refused by Exim").isEmpty();
    // The load offered (printed, never asserted as a rate: the machine may be busy): the loop ran
    // before, during and after the rotation.
    System.out.printf("send loop: %d messages in %.1f s%n", sent.size(), seconds);
    assertThat(sent).as("messages submitted around the rotation").hasSizeGreaterThan(5);

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (stand.deliveries().size() < deliveredBefore + sent.size() && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    List<SesStandIn.Delivery> delivered = stand.deliveries().subList(deliveredBefore, stand.deliveries().size());
    for (String subject : sent) {
      assertThat(delivered).as("delivered: " + subject + "\n" + relay.log("main"))
          .anyMatch(d -> d.data().contains("Subject: " + subject + "\r\n") || d.data().contains("Subject: " + subject + "\n"));
    }
    assertThat(delivered).hasSize(sent.size());
    assertThat(relay.log("main").lines().filter(l -> l.contains(" == ") || l.contains(" ** ")))
        .as("deferred or bounced deliveries").isEmpty();
    assertThat(relay.queueCount()).as("messages left in Exim's queue").isZero();
    // The loop's deliveries moved from the old key to the new one; both older keys are gone from IAM.
    assertThat(delivered).extracting(SesStandIn.Delivery::username).contains(keyBefore, newKey);
    relay.submit("after the loop");
    assertThat(awaitDelivery("Subject: after the loop").username()).isEqualTo(newKey);
    assertThat(stand.iamKeys()).containsExactly(newKey);
    System.out.printf("send loop: %d messages in %.1f s (%.1f/s), all delivered, none deferred%n",
        sent.size(), seconds, sent.size() / seconds);
  }

  /** How many of the loop's messages go before the rotation (delivered) and after it (sent). */
  private static final int LOOP_MESSAGES_AROUND = 3;

  /** Waits (up to 30 s, or until the loop fails) for DONE. */
  private static void awaitLoop(java.util.function.BooleanSupplier done, List<Exception> failures, String what)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean() && failures.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(done.getAsBoolean() || !failures.isEmpty()).as(what + "\n" + relay.log("main")).isTrue();
  }

  /** About 8 messages a second over one SMTP session, as a busy application keeps one. */
  private static void sendLoop(AtomicBoolean sending, List<String> sent, List<Exception> failures) {
    Session session = relay.submission();
    long next = System.nanoTime();
    try (Transport transport = session.getTransport("smtp")) {
      for (int i = 0; sending.get(); i++) {
        String subject = "loop-" + i;
        try {
          if (!transport.isConnected()) {
            transport.connect();
          }
          MimeMessage message = EximRelay.message(session, subject);
          transport.sendMessage(message, message.getAllRecipients());
          sent.add(subject);
        } catch (Exception e) {
          failures.add(e);
        }
        next += TimeUnit.MILLISECONDS.toNanos(120);
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    } catch (Exception e) {
      failures.add(e);
    }
  }
}
