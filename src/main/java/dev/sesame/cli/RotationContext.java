package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.render.FieldSource;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import dev.sesame.render.TargetsFile;
import dev.sesame.rotate.AwsKeyLifecycle;
import dev.sesame.rotate.Deployer;
import dev.sesame.rotate.EntryStorage;
import dev.sesame.rotate.RenderDeployer;
import dev.sesame.rotate.RotationException;
import dev.sesame.rotate.Rotator;
import dev.sesame.rotate.SmtpCredentialProver;
import dev.sesame.rotate.VaultStorage;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.vault.KeySource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Wires a {@link Rotator} for `rotate` and `revoke` (and the storage `status` reads) from their
 * options: the vault file or the Secrets Manager store, AWS, SMTP, targets.
 */
final class RotationContext {
  private RotationContext() {}

  /**
   * A rotator whose progress lines go to PROGRESS; the SMTP proof's line per refused attempt always
   * goes to INVOCATION's stderr, and the proof's settings come from its environment. STORAGE_SEEN is given the entry storage, so a caller can read the result back.
   */
  static Rotator rotator(Invocation invocation, VaultOptions vault, StoreOptions where, AwsOptions aws, AwsClients clients,
      RotationOptions options, java.io.PrintStream progress, java.util.function.Consumer<EntryStorage> storageSeen)
      throws Exception {
    Clock clock = Clock.systemUTC();
    List<Target> targets = options.targetsFile() == null ? List.of() : TargetsFile.read(InputFiles.existing("--targets", options.targetsFile()));
    EntryStorage storage;
    Deployer deployer = Deployer.NONE;
    if (where.inStore()) {
      // A new version is sealed as configured here, never like the value read: say so before any call.
      where.protection.requireWritable("rotate/revoke");
      StoreAccess access = where.access(vault, aws);
      storage = where.storage(access, clock);
      if (!targets.isEmpty()) {
        deployer = storeDeployer(access, targets, renderer(vault, where, options), progress);
      }
    } else {
      List<KeySource> keys = vault.unlockSources();
      storage = new VaultStorage(vault.vaultPath(), keys, vault.lockTimeout(), clock);
      if (!targets.isEmpty()) {
        deployer = new RenderDeployer(vault.vaultPath(), keys, targets, renderer(vault, where, options), progress);
      }
    }
    storageSeen.accept(storage);
    return new Rotator(storage, new AwsKeyLifecycle(clients),
        new SmtpCredentialProver(ProbeSettings.fromEnvironment(invocation.env()), options.smtpDeadline,
            progress::println, invocation.err()::println),
        deployer, clock, progress::println);
  }

  /** The storage `status` reads: the store with --store, else the vault (unlocked now). */
  static EntryStorage storage(VaultOptions vault, StoreOptions where, AwsOptions aws) throws Exception {
    Clock clock = Clock.systemUTC();
    if (where.inStore()) {
      return where.storage(where.access(vault, aws), clock);
    }
    return new VaultStorage(vault.vaultPath(), vault.unlockSources(), vault.lockTimeout(),
        clock);
  }

  /**
   * Deploy for a store entry whose rotator host also renders targets itself: the rotated entry
   * takes the candidate's values, every other entry its AWSCURRENT. Hosts that pull need none.
   */
  private static Renderer renderer(VaultOptions vault, StoreOptions where, RotationOptions options) {
    return RenderCommand.renderer(where.stateDirectory(), vault.lockTimeoutSeconds, options.allowInsecureFolder);
  }

  private static Deployer storeDeployer(StoreAccess access, List<Target> targets, Renderer renderer,
      java.io.PrintStream progress) {
    return (entry, candidate) -> {
      FieldSource others = access.fieldSource();
      FieldSource fields = (name, field) -> name.equals(entry)
          ? Optional.ofNullable(candidate.allFields().get(field)) : others.field(name, field);
      try {
        RenderDeployer.render(renderer, targets, fields, progress);
      } catch (StoreAccess.Unreadable e) {
        throw new RotationException(RotationException.Kind.DEPLOY, "deploy: " + e.getMessage(), e);
      }
    };
  }
}
