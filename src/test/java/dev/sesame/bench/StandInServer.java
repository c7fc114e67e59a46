package dev.sesame.bench;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For scripts/bench-fleet: {@code StandInServer DIR} runs the AWS stand-in on 127.0.0.1 with a KMS
 * key {@code alias/bench}, a store entry {@code sm://bench/} + {@code entry-0} sealed under it,
 * writes the endpoint to DIR/endpoint and, every 50 ms, the calls received so far per action to
 * DIR/calls ("Decrypt 12" lines), until DIR/stop exists or 30 minutes pass.
 */
public final class StandInServer {
  private StandInServer() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (StandInAws aws = StandInAws.start()) {
      AwsStandIn standIn = aws.standIn();
      standIn.kms().createKey("bench");
      AwsClients clients = aws.clients(AwsSettings.defaults(), StandInAws.FAST_RETRIES);
      SecretsManagerStore.at("sm://bench/", clients).write("entry-0", Credential.of(EntryType.SMTP, Map.of(
              Credential.SMTP_HOST, "smtp.example.test", Credential.SMTP_PORT, "587",
              Credential.SMTP_USERNAME, "user-0", Credential.SMTP_PASSWORD, "bench-password")),
          List.of(KmsKeySource.create(clients, "alias/bench")), false);
      standIn.clearCalls();
      Files.writeString(dir.resolve("endpoint"), standIn.endpoint().toString());
      long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
      while (!Files.exists(dir.resolve("stop")) && System.nanoTime() < deadline) {
        Map<String, Long> counts = new TreeMap<>();
        standIn.calls().forEach(c -> counts.merge(c.action(), 1L, Long::sum));
        StringBuilder text = new StringBuilder();
        counts.forEach((action, n) -> text.append(action).append(' ').append(n).append('\n'));
        Path tmp = dir.resolve("calls.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve("calls"), StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(50);
      }
    }
  }
}
