package dev.sesame.rotate;

import dev.sesame.vault.AuditLog;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryLock;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionedCredential;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a rotated entry lives, as the {@link Rotator} needs it: the local vault file
 * ({@link VaultStorage}) or the fleet's shared Secrets Manager store ({@link StoreStorage}).
 * Both keep the same three things: the current version, at most one pending version, and the
 * rotation's clear-text bookkeeping (a string map, never secret), so one state machine serves
 * both. Each write below must leave a state the next {@link #snapshot} reads back correctly even
 * if the process dies right after it.
 */
public interface EntryStorage {
  /** The entry as a rotation step sees it. */
  record Snapshot(VersionedCredential current, Optional<VersionedCredential> pending, Map<String, String> state) {
    public Snapshot {
      state = Map.copyOf(state);
    }
  }

  /** Words for messages: "vault /etc/sesame/vault.json", "store sm://sesame/prod/". */
  String describe();

  /** What a command line adds to name this storage ("" for the vault, " --store URI" for a store). */
  default String commandOption() {
    return "";
  }

  Snapshot snapshot(String entry) throws VaultException;

  /** Replaces the entry's rotation bookkeeping with STATE. */
  void saveState(String entry, Map<String, String> state) throws VaultException;

  /**
   * Stores PENDING as the entry's pending version and STATE as its bookkeeping. TOKEN is the
   * rotation token (the Secrets Manager store uses it as the version's ClientRequestToken).
   */
  void savePending(String entry, Credential pending, String token, Map<String, String> state) throws VaultException;

  /** Pending becomes current (current becomes previous), and STATE the bookkeeping. */
  void promotePending(String entry, Map<String, String> state) throws VaultException;

  /** Drops the pending version, and STATE becomes the bookkeeping. */
  void dropPending(String entry, Map<String, String> state) throws VaultException;

  /** The entry's versions, newest first, for `status`. */
  List<EntryStatus.VersionRow> versions(String entry) throws VaultException;

  /** Keeps other rotations of ENTRY out (on this host) while held. */
  EntryLock lock(String entry) throws VaultException;

  /** Where the rotation's audit records go. */
  AuditLog auditLog();
}
