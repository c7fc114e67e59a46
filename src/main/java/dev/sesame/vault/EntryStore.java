package dev.sesame.vault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where entries live: the local vault file ({@link VaultEntryStore}) or the fleet's shared Secrets
 * Manager store ({@code dev.sesame.aws.SecretsManagerEntryStore}). Every command reads and writes
 * entries through this port, and the {@code Rotator} rotates through it. Both keep the same
 * things per entry: the current version, at most one pending version, the previous one, and the
 * rotation's clear-text bookkeeping ({@link RotationState}: a string map, never secret), so one
 * state machine serves both. Each write below must leave a state the next {@link #snapshot}
 * reads back correctly even if the process dies right after it.
 *
 * <p>Closing the store wipes the key material it holds (a vault's unlock secrets).
 */
public interface EntryStore extends AutoCloseable {
  /** The entry as a rotation step sees it. */
  record Snapshot(VersionedCredential current, Optional<VersionedCredential> pending, Map<String, String> state) {
    public Snapshot {
      state = Map.copyOf(state);
    }
  }

  /**
   * An entry's labelled versions (the current one first) and its rotation bookkeeping, for the
   * readers that judge it (metrics, doctor). BOOKKEEPING_PROBLEM says why the labels and state are
   * unknown when the store would not show them (a host role that may read values but not metadata).
   */
  record Labelled(List<EntryVersion> versions, Map<String, String> state, Optional<String> bookkeepingProblem) {
    public Labelled {
      versions = List.copyOf(versions);
      state = Map.copyOf(state);
    }
  }

  /** Words for messages: "vault /etc/sesame/vault.json", "store sm://sesame/prod/". */
  String describe();

  /** What a command line adds to name this store ("" for the vault, " --store URI" for a store). */
  default String commandOption() {
    return "";
  }

  /**
   * The version of ENTRY that carries LABEL.
   *
   * @throws VaultException.NotFound when the entry or the label does not exist
   */
  EntryVersion read(String entry, Label label) throws VaultException;

  /**
   * Version VERSION_ID of ENTRY (a vault version number, a Secrets Manager version id), whatever
   * its labels.
   *
   * @throws VaultException.NotFound when the entry or the version does not exist
   */
  EntryVersion readVersion(String entry, String versionId) throws VaultException;

  /** Entry names, sorted. */
  List<String> list() throws VaultException;

  /**
   * Stores CREDENTIAL as the new current version of ENTRY (the old current becomes previous).
   * Returns the new version's id (a vault version number, a Secrets Manager version id).
   */
  String put(String entry, Credential credential) throws VaultException;

  /** ENTRY's labelled versions and bookkeeping. */
  Labelled labelled(String entry) throws VaultException;

  /** The entry's versions for `status`: the vault's in version order (oldest first), the store's newest first. */
  List<EntryVersion> versions(String entry) throws VaultException;

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

  /** Keeps other rotations of ENTRY out (on this host) while held. */
  EntryLock lock(String entry) throws VaultException;

  /** Where the rotation's audit records go. */
  AuditLog auditLog();

  /** Wipes the key material this store holds; nothing by default. */
  @Override
  default void close() {}
}
