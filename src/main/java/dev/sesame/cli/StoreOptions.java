package dev.sesame.cli;

import dev.sesame.rotate.EntryStorage;
import dev.sesame.rotate.StoreStorage;
import dev.sesame.vault.VaultException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `--store` for rotate, revoke and status: the entry lives in Secrets Manager, not the vault file. */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "sm://PREFIX", defaultValue = "${env:SESAME_STORE}",
      description = {"Work on the entry in the shared Secrets Manager store instead of the vault file (default:",
          "$SESAME_STORE): the new key becomes the AWSPENDING version (ClientRequestToken = rotation token),",
          "then AWSCURRENT."})
  String store;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:SESAME_STATE_DIR}",
      description = {"Where this host keeps its render-set journals and render lock and, with --store, the",
          "rotator's entry locks and audit log (default: $SESAME_STATE_DIR, else /var/lib/sesame as root,",
          "else ~/.local/state/sesame)."})
  Path stateDir;

  @Mixin
  StoreProtectionOptions protection;

  boolean inStore() {
    return given(store);
  }

  /** Whether STORE names a store: --store given, or $SESAME_STORE set and not empty. */
  static boolean given(String store) {
    return store != null && !store.isEmpty();
  }

  StoreAccess access(VaultOptions vault, AwsOptions aws) throws VaultException, UserError {
    return StoreAccess.open(store, vault.keys, protection, aws.settings());
  }

  /** The store entries ACCESS reaches, with this rotator's locks and audit log in the state dir. */
  EntryStorage storage(StoreAccess access, Clock clock) {
    return new StoreStorage(access.store(), store, access.openers(), stateDirectory(), clock);
  }

  /** --state-dir, else $SESAME_STATE_DIR, else /var/lib/sesame as root, else ~/.local/state/sesame. */
  Path stateDirectory() {
    return stateDirectory(stateDir);
  }

  /** GIVEN (the option or $SESAME_STATE_DIR), else /var/lib/sesame as root, else ~/.local/state/sesame. */
  static Path stateDirectory(Path given) {
    if (given != null && !given.toString().isEmpty()) {
      return given;
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/sesame");
    }
    return Path.of(System.getProperty("user.home"), ".local", "state", "sesame");
  }
}
