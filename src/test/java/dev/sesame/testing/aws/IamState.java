package dev.sesame.testing.aws;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The IAM world of the stand-in: users, their access keys and each key's last use, with IAM's
 * rules (at most two keys per user; unknown users and keys are {@code NoSuchEntity}). Tests and
 * the SMTP stand-in read and change it directly; the {@link IamHandler} changes it through the
 * wire protocol. Thread-safe.
 */
public final class IamState {
  /** The account every stand-in ARN belongs to. */
  public static final String ACCOUNT = "123456789012";

  // "Access keys assigned to an IAM user: 2" (IAM User Guide: "IAM and AWS STS quotas").
  static final int KEYS_PER_USER = 2;

  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /** An IAM user. */
  public record User(String name, String userId, String arn, Instant created) {}

  /** An access key, secret included (the SMTP stand-in derives passwords from it). */
  public record Key(
      String userName, String accessKeyId, String secret, String status, Instant created) {
    public boolean active() {
      return "Active".equals(status);
    }
  }

  /** The last use IAM recorded for a key. */
  public record Use(Instant when, String service, String region) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, User> users = new LinkedHashMap<>();
  private final Map<String, Key> keys = new LinkedHashMap<>();
  private final Map<String, Use> uses = new LinkedHashMap<>();
  private final IamPolicies policies = new IamPolicies();
  private Clock clock = Clock.systemUTC();
  private Duration propagationDelay = Duration.ZERO;

  /** The users' inline and attached policies. */
  public IamPolicies policies() {
    return policies;
  }

  /** The clock that stamps creation dates (tests may fix it). */
  public synchronized void useClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Now, on this IAM's clock; the SES stand-in judges a new key's propagation by it too. */
  public synchronized Instant now() {
    return clock.instant();
  }

  /** Adds a user; returns it. Adding an existing name returns the existing user. */
  public synchronized User createUser(String name) {
    return users.computeIfAbsent(
        name,
        n -> new User(n, "AIDA" + random(ID_ALPHABET, 17), "arn:aws:iam::" + ACCOUNT + ":user/" + n, now()));
  }

  public synchronized Optional<User> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  /** The user that owns {@code accessKeyId}, if the key exists. */
  public synchronized Optional<User> ownerOf(String accessKeyId) {
    Key key = keys.get(accessKeyId);
    return key == null ? Optional.empty() : Optional.ofNullable(users.get(key.userName()));
  }

  /** CreateAccessKey's rules: the user must exist and hold fewer than two keys. */
  public synchronized Key createAccessKey(String userName) {
    requireUser(userName);
    if (keysOf(userName).size() >= KEYS_PER_USER) {
      throw new AwsError(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
    }
    String id;
    do {
      id = "AKIA" + random(ID_ALPHABET, 16);
    } while (keys.containsKey(id));
    Key key = new Key(userName, id, secret(), "Active", now());
    keys.put(id, key);
    return key;
  }

  /** Adds a key with a chosen id and secret (for fixtures that mirror an existing vault entry). */
  public synchronized Key addAccessKey(String userName, String accessKeyId, String secret) {
    requireUser(userName);
    if (keysOf(userName).size() >= KEYS_PER_USER) {
      throw new IllegalStateException(userName + " already has two keys");
    }
    Key key = new Key(userName, accessKeyId, secret, "Active", now());
    keys.put(accessKeyId, key);
    return key;
  }

  public synchronized List<Key> keysOf(String userName) {
    List<Key> owned = new ArrayList<>();
    for (Key key : keys.values()) {
      if (key.userName().equals(userName)) {
        owned.add(key);
      }
    }
    return owned;
  }

  public synchronized Optional<Key> key(String accessKeyId) {
    return Optional.ofNullable(keys.get(accessKeyId));
  }

  /** UpdateAccessKey's rules: the user and the user's key must exist. */
  public synchronized void updateStatus(String userName, String accessKeyId, String status) {
    Key key = requireKey(userName, accessKeyId);
    keys.put(
        accessKeyId, new Key(key.userName(), key.accessKeyId(), key.secret(), status, key.created()));
  }

  /** DeleteAccessKey's rules: the user and the user's key must exist. */
  public synchronized void deleteAccessKey(String userName, String accessKeyId) {
    requireKey(userName, accessKeyId);
    keys.remove(accessKeyId);
    uses.remove(accessKeyId);
  }

  /** Records that a key was used (tests, and the SMTP stand-in after a successful AUTH). */
  public synchronized void recordUse(String accessKeyId, String service, String region, Instant when) {
    if (!keys.containsKey(accessKeyId)) {
      throw new IllegalArgumentException("no such key " + accessKeyId);
    }
    uses.put(accessKeyId, new Use(when, service, region));
  }

  public synchronized Optional<Use> lastUse(String accessKeyId) {
    return Optional.ofNullable(uses.get(accessKeyId));
  }

  /** How long after creation a key starts to work (IAM is eventually consistent). */
  public synchronized void propagationDelay(Duration delay) {
    this.propagationDelay = Objects.requireNonNull(delay, "delay");
  }

  public synchronized Duration propagationDelay() {
    return propagationDelay;
  }

  /** Whether AWS would accept this key at {@code now}: it exists, is Active and has propagated. */
  public synchronized boolean isUsable(String accessKeyId, Instant now) {
    Key key = keys.get(accessKeyId);
    return key != null && key.active() && !key.created().plus(propagationDelay).isAfter(now);
  }

  private void requireUser(String userName) {
    if (userName == null || !users.containsKey(userName)) {
      throw new AwsError(404, "NoSuchEntity", "The user with name " + userName + " cannot be found.");
    }
  }

  private Key requireKey(String userName, String accessKeyId) {
    requireUser(userName);
    Key key = keys.get(accessKeyId);
    if (key == null || !key.userName().equals(userName)) {
      throw new AwsError(
          404, "NoSuchEntity", "The Access Key with id " + accessKeyId + " cannot be found.");
    }
    return key;
  }

  private String secret() {
    // 40 characters of the base64 alphabet, like real secrets; always with '/' and '+', the
    // characters that break naive escaping downstream.
    char[] secret = random(SECRET_ALPHABET, 40).toCharArray();
    int slash = random.nextInt(40);
    int plus = (slash + 1 + random.nextInt(39)) % 40;
    secret[slash] = '/';
    secret[plus] = '+';
    return new String(secret);
  }

  private String random(String alphabet, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
