package dev.sesame.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.CallPolicy;
import dev.sesame.aws.KmsKeySource;
import dev.sesame.aws.SecretsManagerKeySource;
import dev.sesame.aws.SecretsManagerEntryStore;
import dev.sesame.aws.SecretsManagerStore;
import dev.sesame.lambda.RotationEvent.Step;
import dev.sesame.rotate.AwsKeyLifecycle;
import dev.sesame.rotate.Deployer;
import dev.sesame.rotate.RotationException;
import dev.sesame.rotate.Rotator;
import dev.sesame.rotate.SmtpCredentialProver;
import dev.sesame.vault.EntryNames;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

/**
 * A Secrets Manager rotation function for Sesame's shared store ({@code sm://PREFIX}), built
 * from the same rotation core as {@code sesame rotate --store}. Lambda handler:
 * {@code dev.sesame.lambda.RotationHandler::handleRequest}; configuration in
 * {@link LambdaSettings}; docs/runbooks/rotation-lambda.md has the deployment.
 *
 * <p>Each invocation first makes the checks of AWS's rotation template
 * (SecretsManagerRotationTemplate): rotation is enabled on the secret, the token names a version
 * of it, a token already on AWSCURRENT means there is nothing to do, and one not on AWSPENDING is
 * an error. Then: createSecret retires the previous key if its grace period is over and stores a
 * new IAM key as the AWSPENDING version (filling the version RotateSecret made, which has no
 * value yet); setSecret has nothing to deploy (hosts pull AWSCURRENT); testSecret proves the new
 * key with an SMTP login (STARTTLS + AUTH); finishSecret makes it AWSCURRENT. Every step can be
 * invoked again with the same token (Secrets Manager retries) and does its work at most once.
 * {@code {"Step": "retireDue"}} from a schedule retires the previous key after the grace period.
 *
 * <p>A failed step throws, so the invocation fails and Secrets Manager sees it; the message
 * (also logged) has no secret and key ids cut to four characters. The handler method takes only
 * (InputStream, OutputStream): Lambda's Java runtime accepts that signature without
 * aws-lambda-java-core on the class path (aws-lambda-java-libs, EventHandlerLoader: "Anything
 * (InputStream, OutputStream)").
 */
public final class RotationHandler {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String CURRENT = "AWSCURRENT";
  private static final String PENDING = "AWSPENDING";

  private final LambdaSettings settings;
  private final AwsClients clients;
  private final CallPolicy policy;
  private final Clock clock;
  private final JsonLines log;
  private final Map<String, AwsClients> clientsByRegion = new ConcurrentHashMap<>();

  /** What Lambda calls: configuration from the environment, AWS from the SDK's default chains. */
  public RotationHandler() {
    this(LambdaSettings.fromEnvironment(System.getenv()), AwsClients.create(AwsSettings.defaults()), CallPolicy.STANDARD,
        Clock.systemUTC(), System.out);
  }

  RotationHandler(LambdaSettings settings, AwsClients clients, CallPolicy policy, Clock clock, PrintStream out) {
    this.settings = settings;
    this.clients = clients;
    this.policy = policy;
    this.clock = clock;
    this.log = new JsonLines(out, clock);
  }

  /** Lambda's entry point: the event on INPUT, {@code {"step":...,"outcome":...}} on OUTPUT. */
  public void handleRequest(InputStream input, OutputStream output) throws IOException {
    RotationEvent event;
    try {
      event = RotationEvent.parse(input.readAllBytes());
    } catch (IllegalArgumentException e) {
      log.error("refused: " + e.getMessage());
      throw new RotationFailed(e.getMessage());
    }
    String outcome;
    try {
      outcome = handle(event);
    } catch (RotationException | VaultException | SdkException | IllegalArgumentException | IllegalStateException e) {
      String message = event.step().wireName + " failed: " + e.getMessage();
      log.error(message);
      // No cause: the runtime logs the exception, and the cause chain is not ours to vouch for.
      throw new RotationFailed(JsonLines.redact(message));
    }
    try (JsonGenerator json = JSON.createGenerator(output)) {
      json.writeStartObject();
      json.writeStringField("step", event.step().wireName);
      json.writeStringField("outcome", outcome);
      json.writeEndObject();
    }
  }

  /** The step's outcome: "done", "already done", "nothing to do" or "retired due keys". */
  String handle(RotationEvent event) throws RotationException, VaultException {
    if (event.step() == Step.RETIRE_DUE) {
      return retireDue(event.secretId());
    }
    String token = event.token().orElseThrow();
    DescribeSecretResponse secret = clients.secretsManager().describeSecret(r -> r.secretId(event.secretId().orElseThrow()));
    String entry = entryOf(secret.name());
    if (!Boolean.TRUE.equals(secret.rotationEnabled())) {
      throw new IllegalStateException("secret " + secret.name() + " is not enabled for rotation");
    }
    List<String> stages = secret.versionIdsToStages().get(token);
    if (stages == null) {
      throw new IllegalStateException("version " + token + " has no stage for rotation of secret " + secret.name());
    }
    Rotator rotator = rotator(token, event.rotationToken());
    if (stages.contains(CURRENT)) {
      // Killed inside finishSecret after the label moved: finish the bookkeeping (the label move is a no-op).
      if (event.step() == Step.FINISH_SECRET && rotator.rotationRecorded(entry, token)) {
        return describe(rotator.finishSecret(entry, token));
      }
      log.info("version " + token + " of " + secret.name() + " is AWSCURRENT already; nothing to do");
      return "nothing to do";
    }
    if (!stages.contains(PENDING)) {
      throw new IllegalStateException("version " + token + " of " + secret.name() + " is not AWSPENDING");
    }
    log.info(event.step().wireName + " of " + secret.name() + ", rotation " + token);
    Rotator.StepOutcome outcome = switch (event.step()) {
      case CREATE_SECRET -> rotator.createSecret(entry, token, settings.grace());
      case SET_SECRET -> rotator.setSecret(entry, token);
      case TEST_SECRET -> rotator.testSecret(entry, token);
      case FINISH_SECRET -> rotator.finishSecret(entry, token);
      case RETIRE_DUE -> throw new IllegalStateException("unreachable");
    };
    return describe(outcome);
  }

  private String retireDue(Optional<String> secretId) throws RotationException, VaultException {
    Rotator rotator = rotator("", Optional.empty());
    Set<String> entries = new TreeSet<>();
    Set<String> knownLocally = Set.of();
    if (secretId.isPresent()) {
      entries.add(entryOf(clients.secretsManager().describeSecret(r -> r.secretId(secretId.get())).name()));
    } else {
      // ListSecrets lags ("might not reflect changes from the last five minutes", API reference:
      // ListSecrets): the entries this instance has rotated are walked whether listed or not.
      store().list().stream().filter(EntryNames::isValid).forEach(entries::add);
      knownLocally = storage(Optional.empty()).entriesWithLocalState();
    }
    Set<String> listed = Set.copyOf(entries);
    entries.addAll(knownLocally);
    for (String entry : entries) {
      try {
        rotator.retireDue(entry, settings.grace());
      } catch (VaultException.NotFound gone) {
        if (listed.contains(entry)) {
          throw gone;
        }
        log.info("entry " + entry + " rotated here earlier is no longer in the store; skipped");
      }
    }
    return "retired due keys";
  }

  /** The entry name of secret NAME, which must lie in this function's store. */
  private String entryOf(String secretName) {
    String prefix = SecretsManagerStore.prefixOf(settings.store());
    if (!secretName.startsWith(prefix) || !EntryNames.isValid(secretName.substring(prefix.length()))) {
      throw new IllegalArgumentException("secret " + secretName + " is not an entry of " + settings.store()
          + ", the only store this function rotates (" + LambdaSettings.STORE + ")");
    }
    return secretName.substring(prefix.length());
  }

  private static String describe(Rotator.StepOutcome outcome) {
    return outcome == Rotator.StepOutcome.DONE ? "done" : "already done";
  }

  /** The store as the function's environment protects it ({@link LambdaSettings#protection}). */
  private SecretsManagerStore store() {
    return SecretsManagerStore.at(settings.store(), clients, clock, settings.protection(clients));
  }

  /** A rotator over the store for one invocation; audit records go to the log as JSON lines. */
  private Rotator rotator(String rotation, Optional<String> rotationToken) throws VaultException {
    return new Rotator(storage(rotationToken), new AwsKeyLifecycle(clients),
        new SmtpCredentialProver(settings.probe(), settings.smtpDeadline(), log::info), Deployer.NONE, clock, log::info,
        record -> log.audit(record, rotation)).withDeleteAfter(settings.deleteAfter());
  }

  private SecretsManagerEntryStore storage(Optional<String> rotationToken) {
    return new SecretsManagerEntryStore(store().withRotationToken(rotationToken), settings.store(), openers(), settings.stateDir(),
        clock);
  }

  /**
   * Openers for sealed values: each KMS or Secrets Manager slot whose key the function's
   * configuration trusts, in the pinned key's region; any other is refused without an AWS call.
   */
  private List<KeySource> openers() {
    return List.of(
        KmsKeySource.forSlots(region -> clientsFor(region).kms(), settings.trusted()),
        SecretsManagerKeySource.forSlots(region -> clientsFor(region).secretsManager(), settings.trusted()));
  }

  private AwsClients clientsFor(String region) {
    if (region == null || region.isEmpty()) {
      return clients;
    }
    return clientsByRegion.computeIfAbsent(region,
        r -> AwsClients.create(new AwsSettings(Optional.empty(), Optional.of(r)), policy));
  }

  /** A failed step: the invocation fails with this one-line message (no secret, key ids cut). */
  static final class RotationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RotationFailed(String message) {
      super(message, null, false, false);
    }
  }
}
