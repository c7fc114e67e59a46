package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import dev.sesame.render.TargetsFile;
import dev.sesame.rotate.AwsKeyLifecycle;
import dev.sesame.rotate.Deployer;
import dev.sesame.rotate.RenderDeployer;
import dev.sesame.rotate.Rotator;
import dev.sesame.rotate.SmtpCredentialProver;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.vault.EntryStore;
import java.time.Clock;
import java.util.List;

/**
 * Wires a {@link Rotator} for `rotate` and `revoke` (and the entry store `status` reads) from their
 * options: the entry store (the vault file or the Secrets Manager store), AWS, SMTP, targets.
 */
final class RotationContext {
  private RotationContext() {}

  /**
   * A rotator whose progress lines go to PROGRESS; the SMTP proof's line per refused attempt always
   * goes to INVOCATION's stderr, and the proof's settings come from its environment. STORAGE_SEEN is given the entry store, so a caller can read the result back
   * (and close it when done).
   */
  static Rotator rotator(Invocation invocation, EntryStoreOptions where, StateDirOptions state, AwsOptions aws, AwsClients clients,
      RotationOptions options, java.io.PrintStream progress, java.util.function.Consumer<EntryStore> storageSeen)
      throws Exception {
    Clock clock = Clock.systemUTC();
    List<Target> targets = options.targetsFile() == null ? List.of() : TargetsFile.read(InputFiles.existing("--targets", options.targetsFile()));
    if (where.inStore()) {
      // A new version is sealed as configured here, never like the value read: say so before any call.
      where.protection.requireWritable("rotate/revoke");
    }
    EntryStore storage = where.open(aws.settings(), state.stateDir);
    Deployer deployer = targets.isEmpty() ? Deployer.NONE
        : RenderDeployer.over(storage, targets, renderer(where, state, options), progress);
    storageSeen.accept(storage);
    return new Rotator(storage, new AwsKeyLifecycle(clients),
        new SmtpCredentialProver(ProbeSettings.fromEnvironment(invocation.env()), options.smtpDeadline,
            progress::println, invocation.err()::println),
        deployer, clock, progress::println);
  }

  /** The entry store `status` reads: the store with --store, else the vault (unlocked now). */
  static EntryStore storage(EntryStoreOptions where, StateDirOptions state, AwsOptions aws) throws Exception {
    return where.open(aws.settings(), state.stateDir);
  }

  /** The renderer a rotator host deploys with: its set journal and render lock in the state directory. */
  private static Renderer renderer(EntryStoreOptions where, StateDirOptions state, RotationOptions options) {
    return RenderCommand.renderer(state.stateDirectory(), where.vault.lockTimeoutSeconds, options.allowInsecureFolder);
  }
}
