package dev.sesame.rotate;

import dev.sesame.vault.Credential;

/** The rotation's test step: proves CANDIDATE logs in to its SMTP endpoint (bounded retries). */
@FunctionalInterface
public interface CredentialProver {
  void prove(Credential candidate) throws RotationException;
}
