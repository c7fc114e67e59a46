package dev.sesame.rotate;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.render.Renderer;
import dev.sesame.render.TargetsFile;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultEntryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Test-only: `sesame rotate ENTRY --targets FILE --retire-now`, wired exactly as
 * cli/RotationContext wires it from the same environment (SESAME_VAULT, SESAME_KEY_FILE, the SDK's
 * AWS_* variables, SESAME_SMTP_*), plus a hook that stops at the Nth step boundary so the test can
 * SIGKILL the JVM right there. Boundaries: just before each audit record (every step records one
 * right after doing its work and before or after saving its state), and the moment `finish`
 * starts while the vault says `deployed`. At boundary N the hook writes MARKER (what it stopped
 * at) and sleeps until killed; a run with fewer boundaries exits 0 and prints how many it passed.
 *
 * <p>Usage: {@code KillPointMain N MARKER ENTRY TARGETS_FILE}
 */
public final class KillPointMain {
  private KillPointMain() {}

  public static void main(String[] args) throws Exception {
    Boundaries boundaries = new Boundaries(Integer.parseInt(args[0]), Path.of(args[1]));
    String entry = args[2];
    Path targets = Path.of(args[3]);
    Path vault = Path.of(System.getenv("SESAME_VAULT"));
    List<KeySource> keys = List.of(KeyFileKeySource.load(Path.of(System.getenv("SESAME_KEY_FILE"))));
    boundaries.watch(vault, keys, entry);
    try (AwsClients clients = AwsClients.create(AwsSettings.defaults())) {
      KeyLifecycle iam = new HookedIam(new AwsKeyLifecycle(clients), boundaries);
      Rotator rotator = new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(30), boundaries), iam,
          new SmtpCredentialProver(ProbeSettings.fromEnvironment(System.getenv()), Duration.ofSeconds(60),
              System.out::println),
          RenderDeployer.over(new VaultEntryStore(vault, keys, Duration.ofSeconds(30), Clock.systemUTC()),
              TargetsFile.read(targets), new Renderer(), System.out),
          boundaries, System.out::println);
      rotator.rotate(entry, new Rotator.Options(Optional.empty(), true, Duration.ofHours(24)));
    }
    System.out.println("boundaries passed: " + boundaries.passed);
    System.exit(0);
  }

  /** Counts boundaries; the clock half spots `finish` starting on a `deployed` state. */
  private static final class Boundaries extends Clock {
    private final int stopAt;
    private final Path marker;
    private int passed;
    private boolean finishSeen;
    private Path vault;
    private List<KeySource> keys;
    private String entry;

    Boundaries(int stopAt, Path marker) {
      this.stopAt = stopAt;
      this.marker = marker;
    }

    void watch(Path vaultFile, List<KeySource> keySources, String entryName) {
      this.vault = vaultFile;
      this.keys = keySources;
      this.entry = entryName;
    }

    synchronized void reach(String what) {
      passed++;
      if (passed != stopAt) {
        return;
      }
      try {
        Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
        Files.writeString(tmp, what + " (vault step: " + stepOnDisk() + ")", StandardCharsets.UTF_8);
        Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Long.MAX_VALUE);
      } catch (Exception e) {
        Runtime.getRuntime().halt(99);
      }
    }

    String stepOnDisk() {
      try (Vault opened = Vault.open(vault, keys)) {
        return opened.entryState(entry).getOrDefault("rotation.step", "none");
      } catch (Exception e) {
        return "unreadable: " + e.getClass().getSimpleName();
      }
    }

    @Override
    public Instant instant() {
      synchronized (this) {
        if (!finishSeen && vault != null && stepOnDisk().equals("deployed")) {
          finishSeen = true;
          reach("finish starts");
        }
      }
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Delegates to IAM; the actor look-up marks "about to write an audit record". */
  private record HookedIam(KeyLifecycle iam, Boundaries boundaries) implements KeyLifecycle {
    @Override
    public List<IamKey> list(String user) throws RotationException {
      return iam.list(user);
    }

    @Override
    public NewKey create(String user) throws RotationException {
      return iam.create(user);
    }

    @Override
    public void deactivate(String user, String keyId) throws RotationException {
      iam.deactivate(user, keyId);
    }

    @Override
    public void delete(String user, String keyId) throws RotationException {
      iam.delete(user, keyId);
    }

    @Override
    public Optional<KeyUse> lastUsed(String user, String keyId) throws RotationException {
      return iam.lastUsed(user, keyId);
    }

    @Override
    public Optional<String> owner(String keyId) throws RotationException {
      return iam.owner(keyId);
    }

    @Override
    public String actor() {
      boundaries.reach("before audit record #" + (boundaries.passed + 1));
      return iam.actor();
    }
  }
}
