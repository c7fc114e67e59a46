package dev.sesame.rotate;

import dev.sesame.vault.VersionedCredential;

/**
 * The rotation's deploy step: render every target with CANDIDATE as ENTRY's value, validate,
 * swap, restart, health-check, all-or-nothing (a failure rolls every target back before it
 * throws). With no targets it does nothing: consumers that read the vault pick the new
 * credential up themselves.
 */
@FunctionalInterface
public interface Deployer {
  Deployer NONE = (entry, candidate) -> { };

  void deploy(String entry, VersionedCredential candidate) throws RotationException;
}
