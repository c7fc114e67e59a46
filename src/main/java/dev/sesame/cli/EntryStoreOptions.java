package dev.sesame.cli;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.SecretsManagerEntryStore;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.aws.StoreProtection;
import dev.sesame.aws.TrustedKeys;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.VaultEntryStore;
import dev.sesame.vault.VaultException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * Where a command's entries live, for every command that reads or writes them: the vault file
 * ({@code --vault}, $SESAME_VAULT, unlocked by the key options) or the fleet's shared Secrets
 * Manager store ({@code --store sm://PREFIX}, $SESAME_STORE), as one {@link EntryStore}. The two
 * options exclude each other on the command line; given on the command line, either one wins over
 * the other's environment default, and when both come from the environment the store wins.
 * Like {@link AwsKeySources}, the only way from the CLI into the SDK for the store.
 */
final class EntryStoreOptions {
  @Mixin
  VaultOptions vault;

  @Option(names = "--store", paramLabel = "sm://PREFIX", defaultValue = "${env:SESAME_STORE}",
      description = "Entries live in the shared Secrets Manager store (secret PREFIX+NAME; the labels current, "
          + "pending, previous are AWSCURRENT, AWSPENDING, AWSPREVIOUS) instead of the vault file; not with --vault. "
          + "Default: $SESAME_STORE.")
  String store;

  @Mixin
  StoreProtectionOptions protection;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * Whether the entries are the store's: --store given, or $SESAME_STORE set while --vault was not
   * given. Both options on the command line is a usage error (exit 2).
   */
  boolean inStore() throws UserError {
    ParseResult parsed = command == null || command.commandLine() == null ? null
        : command.commandLine().getParseResult();
    boolean storeOption = parsed != null && parsed.hasMatchedOption("--store");
    boolean vaultOption = parsed != null && parsed.hasMatchedOption("--vault");
    if (storeOption && vaultOption) {
      throw new UserError(ExitCode.USAGE, "give --vault FILE or --store sm://PREFIX, not both: the entries live in "
          + "one of them");
    }
    return !vaultOption && given(store);
  }

  /** Whether STORE names a store: --store given, or $SESAME_STORE set and not empty. */
  static boolean given(String store) {
    return store != null && !store.isEmpty();
  }

  /** The entries as configured, AWS reached with the default settings (no --profile/--region on the command). */
  EntryStore open() throws VaultException, UserError {
    return open(AwsSettings.defaults(), null);
  }

  /**
   * For commands that only read (get, exec, render, list): as {@link #open()}, and a vault is
   * opened now, so a wrong key or a damaged file is the first thing reported.
   */
  EntryStore openToRead() throws VaultException, UserError {
    EntryStore entries = open();
    if (entries instanceof VaultEntryStore file) {
      try {
        file.opened();
      } catch (VaultException e) {
        entries.close();
        throw e;
      }
    }
    return entries;
  }

  /**
   * The vault (unlocked now: a passphrase on stdin is read here) or the store reached with
   * SETTINGS, whose rotation locks and audit log live in STATE_DIR (null: the default).
   */
  EntryStore open(AwsSettings settings, Path stateDir) throws VaultException, UserError {
    if (inStore()) {
      return openStore(settings, stateDir);
    }
    vault.lockTimeout();
    return new VaultEntryStore(vault.vaultPath(), vault.unlockSources(), vault.lockTimeout(), Clock.systemUTC());
  }

  /**
   * The store at --store as this host is configured: its protection (sealed or plain, and the key
   * new versions are sealed under) and the keys it trusts (the key options' trust settings, plus
   * the protection's key when it is an ARN). Sealed values open with the key file if given, else
   * with a trusted KMS or Secrets Manager key; a value naming any other key is refused without an
   * AWS call.
   */
  SecretsManagerEntryStore openStore(AwsSettings settings, Path stateDir) throws VaultException, UserError {
    KeyOptions keys = vault == null ? null : vault.keys;
    TrustedKeys trust = protection.trust(keys == null ? new KeyOptions(protection.io).trust() : keys.trust());
    AwsClients clients = AwsClients.create(settings);
    StoreProtection policy = protection.protection(clients);
    List<KeySource> openers = new ArrayList<>();
    if (keys != null && keys.keyFile() != null) {
      openers.add(KeyFileKeySource.load(keys.keyFile()));
    }
    openers.addAll(AwsKeySources.openers(Set.of(AwsKeySources.KMS, AwsKeySources.SECRETS_MANAGER), settings, trust));
    return new SecretsManagerEntryStore(SecretsManagerStore.at(store, clients, Clock.systemUTC(), policy), store,
        openers, StateDirOptions.stateDirectory(stateDir), Clock.systemUTC());
  }
}
