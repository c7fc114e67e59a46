package dev.sesame.aws;

import dev.sesame.vault.VaultException;

/**
 * An AWS key source could not be asked at all: AWS was unreachable, throttled us past every
 * retry, rejected our credentials, or the SDK found no credentials or region. Unlike a refusal
 * (wrong key, denied Decrypt, which is {@link VaultException.WrongKey}), this says nothing about
 * the key, so the CLI maps it to exit code 7 like any other AWS failure. The message is the
 * cause's one line, which never holds a secret.
 */
public final class AwsKeySourceException extends VaultException {
  private static final long serialVersionUID = 1L;

  public AwsKeySourceException(String what, AwsException cause) {
    super(what + ": " + cause.getMessage(), cause);
  }
}
