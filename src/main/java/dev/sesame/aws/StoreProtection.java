package dev.sesame.aws;

import dev.sesame.vault.KeySource;
import java.util.List;

/**
 * How this host or rotator protects the store's values, from its own configuration and never from
 * a value it read: a value is written by whoever may call PutSecretValue, so letting it choose its
 * own protection would let that principal serve hosts a plain credential of their choosing, or
 * make the next rotation store the fresh IAM secret in plain JSON or under a key they named.
 *
 * <ul>
 *   <li><em>sealed</em> (the default): only sealed values are served, and only when a key this
 *       host trusts opens them (the openers refuse every other key without an AWS call); a plain
 *       value is refused as tampering. New versions are sealed under {@link #sealWith()} (the
 *       configured {@code --store-kms-key}); with none, this side only reads.
 *   <li><em>plain</em> ({@code --store-plain}): plain values are served, sealed ones still only
 *       under trusted keys; new versions are written plain.
 * </ul>
 */
public final class StoreProtection {
  private final boolean plain;
  private final List<KeySource> sealWith;

  private StoreProtection(boolean plain, List<KeySource> sealWith) {
    this.plain = plain;
    this.sealWith = List.copyOf(sealWith);
  }

  /** Sealed values only; new versions sealed under SEAL_WITH (empty: this side never writes). */
  public static StoreProtection sealed(List<KeySource> sealWith) {
    return new StoreProtection(false, sealWith);
  }

  /** Plain values accepted, new versions written plain. */
  public static StoreProtection plain() {
    return new StoreProtection(true, List.of());
  }

  public boolean acceptsPlain() {
    return plain;
  }

  /** The key sources a new version is sealed for; empty when it is written plain. */
  public List<KeySource> sealWith() {
    return sealWith;
  }

  /** True when this configuration can write a new version (plain, or sealed with a key). */
  public boolean canWrite() {
    return plain || !sealWith.isEmpty();
  }

  @Override
  public String toString() {
    return plain ? "plain" : "sealed";
  }
}
