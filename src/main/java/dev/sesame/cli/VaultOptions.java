package dev.sesame.cli;

import dev.sesame.vault.KeySource;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which vault, how to unlock it, and how long to wait for another writer. */
final class VaultOptions {
  private final Invocation io;

  VaultOptions(Invocation io) {
    this.io = io;
  }

  @Option(names = "--vault", paramLabel = "FILE", defaultValue = "${env:SESAME_VAULT}",
      description = "Vault file. Default: $SESAME_VAULT.")
  Path vault;

  @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long to wait for another writer, 0.." + MAX_LOCK_TIMEOUT_SECONDS
          + " (default: ${DEFAULT-VALUE}).")
  int lockTimeoutSeconds;

  /** A day: a writer that waits longer than that is stuck, not queued. */
  static final int MAX_LOCK_TIMEOUT_SECONDS = 86_400;

  @Mixin
  KeyOptions keys;

  Path vaultPath() throws UserError {
    if (vault == null || vault.toString().isEmpty()) {
      throw new UserError(ExitCode.USAGE, "no vault given: use --vault FILE or set SESAME_VAULT");
    }
    return vault;
  }

  List<KeySource> unlockSources() throws UserError, VaultException {
    return keys.unlockSources(io.stdin(), "Passphrase for " + vaultPath() + ": ", vaultPath());
  }

  /** Opens the vault; the key sources' secrets are wiped once it is open (or failed to). */
  Vault open() throws UserError, VaultException {
    lockTimeout();
    List<KeySource> sources = unlockSources();
    try {
      return Vault.open(vaultPath(), sources);
    } finally {
      sources.forEach(KeySource::destroy);
    }
  }

  /** Runs EDIT under the lock; the key sources' secrets are wiped afterwards. */
  <T> T update(Vault.Edit<T> edit) throws UserError, VaultException {
    List<KeySource> sources = unlockSources();
    try {
      return update(sources, edit);
    } finally {
      sources.forEach(KeySource::destroy);
    }
  }

  /** For commands that read more from stdin after the unlock passphrase (which comes first). */
  <T> T update(List<KeySource> sources, Vault.Edit<T> edit) throws UserError, VaultException {
    return Vault.update(vaultPath(), sources, lockTimeout(), edit);
  }

  /** --lock-timeout, refused as a usage error when negative or beyond a day. */
  Duration lockTimeout() throws UserError {
    if (lockTimeoutSeconds < 0 || lockTimeoutSeconds > MAX_LOCK_TIMEOUT_SECONDS) {
      throw new UserError(ExitCode.USAGE, "--lock-timeout must be 0.." + MAX_LOCK_TIMEOUT_SECONDS
          + " seconds (0: fail at once if another writer holds the lock)");
    }
    return Duration.ofSeconds(lockTimeoutSeconds);
  }
}
