package dev.sesame.rotate;

import dev.sesame.rotate.RotationException.Kind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * In-memory IAM for the state-machine tests: two keys per user, statuses, last use, and faults
 * injected per operation (an AWS error, or a "crash" after the call took effect).
 */
final class FakeIam implements KeyLifecycle {
  /** Thrown to simulate the process dying: not a RotationException, so nothing cleans up. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("simulated SIGKILL");
    }
  }

  /** The user that {@link #owner} names for every key. */
  static final String USER = "ses-smtp-user";

  private final Clock clock;
  final Map<String, IamKey> keys = new LinkedHashMap<>();
  final Map<String, String> secrets = new HashMap<>();
  final Map<String, KeyUse> uses = new HashMap<>();
  final List<String> calls = new ArrayList<>();
  private final Map<String, Integer> failNext = new HashMap<>();
  private final Map<String, Integer> crashAfter = new HashMap<>();
  private int counter = 100;

  FakeIam(Clock clock) {
    this.clock = clock;
  }

  String addKey(boolean active) {
    String id = "AKIAFAKE" + (counter++) + "XXXXXXXX".substring(0, 4);
    keys.put(id, new IamKey(id, active, clock.instant()));
    secrets.put(id, "secret/" + id + "+key=");
    return id;
  }

  void failNext(String operation, int times) {
    failNext.put(operation, times);
  }

  void crashAfterNext(String operation) {
    crashAfter.put(operation, 1);
  }

  List<String> activeKeys() {
    return keys.values().stream().filter(IamKey::active).map(IamKey::id).toList();
  }

  private void enter(String operation) throws RotationException {
    calls.add(operation);
    Integer left = failNext.get(operation);
    if (left != null && left > 0) {
      failNext.put(operation, left - 1);
      throw new RotationException(Kind.AWS, "iam " + operation + ": Throttling (injected)");
    }
  }

  private void leave(String operation) {
    if (crashAfter.remove(operation) != null) {
      throw new Crash();
    }
  }

  @Override
  public List<IamKey> list(String user) throws RotationException {
    enter("list");
    List<IamKey> result = List.copyOf(keys.values());
    leave("list");
    return result;
  }

  @Override
  public NewKey create(String user) throws RotationException {
    enter("create");
    if (keys.size() >= 2) {
      throw new RotationException(Kind.AWS, "iam create: LimitExceeded");
    }
    String id = addKey(true);
    leave("create");
    return new NewKey(id, secrets.get(id));
  }

  @Override
  public void deactivate(String user, String keyId) throws RotationException {
    enter("deactivate");
    IamKey key = existing(keyId);
    keys.put(keyId, new IamKey(keyId, false, key.created()));
    leave("deactivate");
  }

  @Override
  public void delete(String user, String keyId) throws RotationException {
    enter("delete");
    existing(keyId);
    keys.remove(keyId);
    leave("delete");
  }

  @Override
  public Optional<KeyUse> lastUsed(String user, String keyId) throws RotationException {
    enter("lastUsed");
    existing(keyId);
    return Optional.ofNullable(uses.get(keyId));
  }

  /** Every key here belongs to the one user the tests rotate. */
  @Override
  public Optional<String> owner(String keyId) throws RotationException {
    enter("owner");
    existing(keyId);
    return Optional.of(USER);
  }

  @Override
  public String actor() {
    return "arn:aws:iam::123456789012:user/rotator";
  }

  private IamKey existing(String keyId) throws RotationException {
    IamKey key = keys.get(keyId);
    if (key == null) {
      throw new RotationException(Kind.NOT_FOUND, "iam: NoSuchEntity " + keyId);
    }
    return key;
  }

  boolean isUsable(String keyId) {
    IamKey key = keys.get(keyId);
    return key != null && key.active();
  }

  Instant now() {
    return clock.instant();
  }
}
