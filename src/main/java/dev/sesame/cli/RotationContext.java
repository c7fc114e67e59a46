package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.render.Renderer;
import dev.sesame.render.TargetsFile;
import dev.sesame.rotate.AwsKeyLifecycle;
import dev.sesame.rotate.Deployer;
import dev.sesame.rotate.RenderDeployer;
import dev.sesame.rotate.Rotator;
import dev.sesame.rotate.SmtpCredentialProver;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.vault.KeySource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Wires a {@link Rotator} for `rotate` and `revoke` from their options: vault, AWS, SMTP, targets. */
final class RotationContext {
  private RotationContext() {}

  static Rotator rotator(VaultOptions vault, List<KeySource> keys, AwsClients clients, RotationOptions options)
      throws Exception {
    Deployer deployer = Deployer.NONE;
    if (options.targetsFile() != null) {
      deployer = new RenderDeployer(vault.vaultPath(), keys, TargetsFile.read(options.targetsFile()), new Renderer(),
          Console.OUT);
    }
    Duration smtpDeadline = options.smtpDeadline;
    return new Rotator(vault.vaultPath(), keys, Duration.ofSeconds(vault.lockTimeoutSeconds),
        new AwsKeyLifecycle(clients),
        new SmtpCredentialProver(ProbeSettings.fromEnvironment(System.getenv()), smtpDeadline, Console.OUT::println),
        deployer, Clock.systemUTC(), Console.OUT::println);
  }
}
