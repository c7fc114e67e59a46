package dev.sesame.rotate;

import dev.sesame.rotate.RotationStand.StandCertificate;
import dev.sesame.testing.EximDaemon;
import dev.sesame.testing.smtp.IamSesStandIn;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures for scripts/bench-rotate (nothing here passes or fails): RUNS full `sesame rotate prod
 * --targets FILE --retire-now` runs of the real CLI against the IAM/STS and SES stand-ins with no
 * propagation delay, the targets being a real Exim daemon's passwd.client and a PHPMailer settings
 * file, while about 10 messages a second go through Exim. Per run: wall time of the CLI; from the
 * new key being accepted (the audit log's test record) to every target rendered with it (the
 * deploy record; Exim and PHP read their file per delivery, so that is when both use it); and
 * from the SMTP proof's login to the first Exim delivery that logged in with the new key.
 *
 * <p>Usage: {@code RotationBench [RUNS] [SESAME_COMMAND...]}; without a command the CLI runs from
 * the class path.
 */
public final class RotationBench {
  private static final Pattern AUDIT = Pattern.compile("\"time\":\"([^\"]+)\".*\"step\":\"([a-z]+)\".*\"result\":\"([a-z]+)\"");

  private RotationBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<String> command = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
    Path dir = EximDaemon.workDir("sesame-bench-rotate");
    try (RotationStand stand = RotationStand.start(Files.createDirectory(dir.resolve("world")),
        StandCertificate.create(dir), 587); EximRelay relay = EximRelay.start(dir, stand)) {
      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Thread loop = new Thread(() -> sendLoop(relay, sending, sent), "send-loop");
      loop.setDaemon(true);
      loop.start();
      Path audit = stand.vault.resolveSibling(stand.vault.getFileName() + ".audit");
      List<Long> wall = new ArrayList<>();
      List<Long> toTargets = new ArrayList<>();
      List<Long> toFirstUse = new ArrayList<>();
      System.out.printf("%-4s %-22s %12s %22s %24s%n", "run", "new key", "wall (ms)", "accepted->targets (ms)",
          "accepted->first Exim use (ms)");
      for (int run = 1; run <= runs; run++) {
        int auditLinesBefore = lines(audit).size();
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        Process process = command.isEmpty()
            ? stand.startJava("dev.sesame.cli.Main", "rotate", "prod", "--targets", relay.targets().toString(), "--retire-now",
                "--drain", "0s")
            : start(stand, command, relay.targets());
        RotationStand.CliResult result = RotationStand.finish(process, "rotate");
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (result.exitCode() != 0) {
          throw new IllegalStateException("rotation failed: " + result);
        }
        String newKey = stand.currentKey();
        List<String> auditLines = lines(audit);
        Map<String, Instant> steps = stepTimes(auditLines.subList(auditLinesBefore, auditLines.size()));
        long targets = Duration.between(steps.get("test"), steps.get("deploy")).toMillis();
        Instant proved = acceptance(stand.ses, newKey, 0, Duration.ZERO);
        Instant firstUse = acceptance(stand.ses, newKey, 1, Duration.ofSeconds(10));
        long use = firstUse == null ? -1 : Duration.between(proved, firstUse).toMillis();
        wall.add(elapsed);
        toTargets.add(targets);
        if (use >= 0) {
          toFirstUse.add(use);
        }
        System.out.printf("%-4d %-22s %12d %22d %24s%n", run, newKey, elapsed, targets, use < 0 ? "none" : use);
        System.out.printf("     where the wall time went (ms): start-up to begin %d, create %d, SMTP test %d, deploy %d,"
            + " finish %d, retire %d%n", between(startedAt, steps.get("begin")), between(steps.get("begin"),
            steps.get("create")), between(steps.get("create"), steps.get("test")), targets,
            between(steps.get("deploy"), steps.get("finish")), between(steps.get("finish"), steps.get("retire")));
      }
      sending.set(false);
      loop.join(5000);
      System.out.printf("median %27d %22d %24s%n", median(wall), median(toTargets),
          toFirstUse.isEmpty() ? "none" : Long.toString(median(toFirstUse)));
      System.out.printf("send loop: %d messages submitted to Exim during the runs; exim queue now %d; "
          + "deferrals in the main log: %d%n", sent.get(), relay.queueCount(),
          relay.log("main").lines().filter(l -> l.contains(" == ")).count());
    } finally {
      try {
        EximDaemon.deleteTree(dir);
      } catch (java.io.IOException e) {
        System.err.println("could not remove " + dir + ": " + e);
      }
    }
  }

  private static Process start(RotationStand stand, List<String> command, Path targets) throws Exception {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of("rotate", "prod", "--targets", targets.toString(), "--retire-now", "--drain", "0s"));
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().putAll(stand.cliEnvironment());
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  private static long between(Instant from, Instant to) {
    return from == null || to == null ? -1 : Duration.between(from, to).toMillis();
  }

  private static List<String> lines(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** The time of the last "ok" record of each step among LINES. */
  private static Map<String, Instant> stepTimes(List<String> lines) {
    Map<String, Instant> times = new java.util.HashMap<>();
    for (String line : lines) {
      Matcher m = AUDIT.matcher(line);
      if (m.find() && m.group(3).equals("ok")) {
        times.put(m.group(2), Instant.parse(m.group(1)));
      }
    }
    return times;
  }

  /** The time of the INDEX-th accepted login of KEY (0 = the SMTP proof), waiting up to PATIENCE. */
  private static Instant acceptance(IamSesStandIn ses, String key, int index, Duration patience) throws Exception {
    long end = System.nanoTime() + patience.toNanos();
    do {
      List<IamSesStandIn.Login> accepted = ses.logins().stream()
          .filter(l -> l.username().equals(key) && l.accepted()).toList();
      if (accepted.size() > index) {
        return accepted.get(index).at();
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
    return null;
  }

  private static void sendLoop(EximRelay relay, AtomicBoolean sending, AtomicInteger sent) {
    Session session = relay.submission();
    try (Transport transport = session.getTransport("smtp")) {
      for (int i = 0; sending.get(); i++) {
        try {
          if (!transport.isConnected()) {
            transport.connect();
          }
          MimeMessage message = EximRelay.message(session, "bench-" + i);
          transport.sendMessage(message, message.getAllRecipients());
          sent.incrementAndGet();
        } catch (jakarta.mail.MessagingException e) {
          System.err.println("send loop: " + e.getMessage());
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (Exception e) {
      System.err.println("send loop stopped: " + e);
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
