package dev.sesame.rotate;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import dev.sesame.aws.CallPolicy;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import dev.sesame.ses.ProbeOptions;
import dev.sesame.ses.ProbeSettings;
import dev.sesame.ses.SesCredentials;
import dev.sesame.testing.ChildJava;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.smtp.IamSesStandIn;
import dev.sesame.testing.smtp.TestPki;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultEntryStore;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VersionedCredential;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * One rotation world for scenario tests: the AWS stand-in (IAM/STS over the real SDK) with an SES
 * sending user and its first key, an SES SMTP stand-in that accepts exactly that user's Active
 * keys, and a vault whose entry {@value #ENTRY} holds the first key. Rotators are wired as
 * {@code cli/RotationContext} wires them, and the real CLI can be run (in process, or in a child
 * JVM for kills) with the environment a user would set.
 */
final class RotationStand implements AutoCloseable {
  static final String ENTRY = "prod";
  static final String USER = "ses-smtp-sender";
  static final String REGION = StandInAws.REGION;
  /** What the vault entry's smtp_host is for {@link #REGION}; certificates name it. */
  static final String SES_HOST = "email-smtp." + REGION + ".amazonaws.com";

  final Path dir;
  final StandInAws aws;
  final IamState iam;
  final IamSesStandIn ses;
  final Path vault;
  final Path keyFile;
  final List<KeySource> keys;
  final Path caPem;
  final String firstKey;
  final List<String> progress = new CopyOnWriteArrayList<>();
  private final Map<CallPolicy, AwsClients> clients = new java.util.concurrent.ConcurrentHashMap<>();

  private RotationStand(Path dir, StandInAws aws, IamSesStandIn ses, Path vault, Path keyFile,
      List<KeySource> keys, Path caPem, String firstKey) {
    this.dir = dir;
    this.aws = aws;
    this.iam = aws.standIn().iam();
    this.ses = ses;
    this.vault = vault;
    this.keyFile = keyFile;
    this.keys = keys;
    this.caPem = caPem;
    this.firstKey = firstKey;
  }

  /** A world in DIR whose SES endpoint presents CERT; the entry's SMTP port is SMTP_PORT. */
  static RotationStand start(Path dir, StandCertificate cert, int smtpPort) throws Exception {
    StandInAws aws = StandInAws.start();
    try {
      IamState iam = aws.standIn().iam();
      IamSesStandIn ses = IamSesStandIn.start(iam, REGION, cert.serverContext());
      iam.createUser(USER);
      IamState.Key first = iam.createAccessKey(USER);
      Path vault = dir.resolve("vault.json");
      Path keyFile = dir.resolve("vault.key");
      List<KeySource> keys = List.of(KeyFileKeySource.createOrLoad(keyFile));
      Vault.create(vault, keys, 5);
      Credential credential = SesCredentials.fromAccessKey(REGION, USER, first.accessKeyId(), first.secret(), smtpPort);
      Vault.update(vault, keys, Duration.ofSeconds(10), v -> v.put(ENTRY, credential));
      aws.standIn().clearCalls();
      return new RotationStand(dir, aws, ses, vault, keyFile, keys, cert.pem(), first.accessKeyId());
    } catch (Exception e) {
      aws.close();
      throw e;
    }
  }

  // ---- wiring as cli/RotationContext does ---------------------------------------------------

  /** The SMTP settings a user gives with SESAME_SMTP_ENDPOINT and SESAME_SMTP_CA_FILE. */
  ProbeSettings probeSettings() {
    return ProbeSettings.fromEnvironment(Map.of(ProbeSettings.ENDPOINT_VARIABLE, ses.endpoint(),
        ProbeSettings.CA_FILE_VARIABLE, caPem.toString()));
  }

  Rotator rotator(List<Target> targets, Duration smtpDeadline) {
    return rotator(targets, smtpDeadline, StandInAws.FAST_RETRIES, Clock.systemUTC());
  }

  Rotator rotator(List<Target> targets, Duration smtpDeadline, CallPolicy policy, Clock clock) {
    return rotator(targets, ProbeOptions.defaults().withDeadline(smtpDeadline), policy, clock);
  }

  /**
   * As above, with the SMTP proof's deadline, timeouts and time (clock and sleeper) from SMTP: a
   * {@code TestClock} there lets the proof retry through a refusal without waiting in real time.
   */
  Rotator rotator(List<Target> targets, ProbeOptions smtp, CallPolicy policy, Clock clock) {
    AwsClients clients = this.clients.computeIfAbsent(policy, p -> aws.clients(AwsSettings.defaults(), p));
    Deployer deployer = targets.isEmpty() ? Deployer.NONE
        : RenderDeployer.over(new VaultEntryStore(vault, keys, Duration.ofSeconds(30), clock), targets, new Renderer(),
            new PrintStream(new LineSink(progress), true));
    return new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(30), clock), new AwsKeyLifecycle(clients),
        new SmtpCredentialProver(probeSettings(), smtp, progress::add, progress::add), deployer, clock, progress::add);
  }

  static Rotator.Options retireNow() {
    return new Rotator.Options(Optional.empty(), true, Duration.ofHours(24));
  }

  static Rotator.Options withGrace() {
    return new Rotator.Options(Optional.empty(), false, Duration.ofHours(24));
  }

  /**
   * The fleet variant: the store at URI gets the vault entry's current key as its AWSCURRENT
   * version, sealed under a new KMS key with alias KMS_ALIAS. Returns the store.
   */
  dev.sesame.aws.SecretsManagerStore storeWithCurrentKey(String uri, String kmsAlias) throws VaultException {
    AwsClients clients = aws.clients();
    storeKeyArn = aws.standIn().kms().arn(aws.standIn().kms().createKey(kmsAlias));
    List<KeySource> sealWith = List.of(dev.sesame.aws.KmsKeySource.create(clients, "alias/" + kmsAlias));
    dev.sesame.aws.SecretsManagerStore store = dev.sesame.aws.SecretsManagerStore.at(uri, clients,
        java.time.Clock.systemUTC(), dev.sesame.aws.StoreProtection.sealed(sealWith));
    store.write(ENTRY, version(Label.CURRENT).credential(), sealWith, false);
    return store;
  }

  /** The store's KMS key (its ARN), once {@link #storeWithCurrentKey} made it. */
  private String storeKeyArn;

  /** Key sources that open store values sealed under the stand-in's KMS keys (all of them pinned). */
  List<KeySource> storeOpeners() {
    AwsClients clients = aws.clients();
    return List.of(dev.sesame.aws.KmsKeySource.forSlots(region -> clients.kms(),
        dev.sesame.aws.TrustedKeys.of(aws.standIn().kms().keyArns())));
  }

  // ---- the real CLI, in process or in a child JVM ----------------------------------------------------------

  /** The environment a user sets for `sesame rotate` against these stand-ins. */
  Map<String, String> cliEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.putAll(aws.cliEnvironment(dir));
    env.put(ProbeSettings.ENDPOINT_VARIABLE, ses.endpoint());
    env.put(ProbeSettings.CA_FILE_VARIABLE, caPem.toString());
    env.put("SESAME_VAULT", vault.toString());
    env.put("SESAME_KEY_FILE", keyFile.toString());
    env.put("SESAME_TRUST_FILE", dir.resolve("no-trust-file").toString());
    if (storeKeyArn != null) {
      // The rotator host's configuration: the store is sealed under this key, which it pins.
      env.put("SESAME_STORE_KMS_KEY", storeKeyArn);
      env.put("SESAME_TRUSTED_KEYS", storeKeyArn);
    }
    env.put("SESAME_STATE_DIR", stateDir().toString());
    return env;
  }

  /** Where this world's render journals and locks live (as SESAME_STATE_DIR). */
  Path stateDir() {
    return dir.resolve("state");
  }

  /** Starts MAIN_CLASS from the test class path with ARGS and {@link #cliEnvironment()}. */
  Process startJava(String mainClass, String... args) throws IOException {
    return startJava(List.of(), mainClass, args);
  }

  /**
   * Starts `sesame ARGS` as the leader of a session and process group of its own, as
   * {@code setsid sesame ...} does, so a test can SIGKILL it with the commands it runs.
   */
  Process startCliInOwnSession(String... args) throws IOException {
    return startJava(List.of("setsid"), "dev.sesame.cli.Main", args);
  }

  /** SIGKILLs the process group PROCESS leads (see {@link #startCliInOwnSession}). */
  static void killGroup(Process process) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid()).inheritIO().start().waitFor();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  private Process startJava(List<String> prefix, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(ChildJava.command(List.of("-Djava.io.tmpdir=" + dir), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    for (String name : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "AWS_PROFILE",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "SESAME_TARGETS", "SESAME_STORE", "SESAME_STATE_DIR",
        "SESAME_TRUSTED_KEYS", "SESAME_STORE_KMS_KEY", "SESAME_STORE_PLAIN")) {
      builder.environment().remove(name);
    }
    builder.environment().putAll(cliEnvironment());
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  record CliResult(List<String> args, int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    @Override
    public String toString() {
      return "sesame " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout\n" + out
          + "--- stderr\n" + err;
    }
  }

  /** Runs `sesame ARGS` in this JVM ({@link SesameCli}) with {@link #cliEnvironment()}. */
  CliResult sesame(String... args) {
    SesameCli.Result run = SesameCli.withTmpDir(dir).env(cliEnvironment()).run(args);
    return new CliResult(run.args(), run.exitCode(), run.out(), run.err());
  }

  static CliResult finish(Process process, String... args) throws Exception {
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("still running after 90 s: " + List.of(args));
    }
    return new CliResult(List.of(args), process.exitValue(), out.get(), err.get());
  }

  static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (stream) {
        result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    return result;
  }

  // ---- what the world looks like ------------------------------------------------------------

  VersionedCredential version(Label label) throws VaultException {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.get(ENTRY, label);
    }
  }

  Optional<VersionedCredential> pending() throws VaultException {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.entry(ENTRY).orElseThrow().labelled(Label.PENDING).isPresent()
          ? Optional.of(opened.get(ENTRY, Label.PENDING)) : Optional.empty();
    }
  }

  String currentKey() throws VaultException {
    return version(Label.CURRENT).credential().field(Credential.ACCESS_KEY_ID).orElseThrow();
  }

  Map<String, String> state() throws VaultException {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.entryState(ENTRY);
    }
  }

  /** The user's key ids in IAM. */
  List<String> iamKeys() {
    return iam.keysOf(USER).stream().map(IamState.Key::accessKeyId).toList();
  }

  /** Whether SES would accept the vault's CURRENT credential right now (leaves no trace). */
  boolean currentWorks() throws VaultException {
    Credential current = version(Label.CURRENT).credential();
    return ses.wouldAccept(current.field(Credential.SMTP_USERNAME).orElseThrow(),
        current.field(Credential.SMTP_PASSWORD).orElseThrow());
  }

  /** Whether SES would accept CREDENTIAL right now (leaves no trace). */
  boolean works(Credential credential) {
    return ses.wouldAccept(credential.field(Credential.SMTP_USERNAME).orElseThrow(),
        credential.field(Credential.SMTP_PASSWORD).orElseThrow());
  }

  /** Messages the SES stand-in received, in order. */
  List<dev.sesame.testing.smtp.SesStandIn.Delivery> deliveries() {
    return ses.deliveries();
  }

  /** IAM write calls (create, update, delete) the stand-in received. */
  List<String> iamWrites() {
    return aws.standIn().calls().stream().map(c -> c.action())
        .filter(a -> a.equals("CreateAccessKey") || a.equals("UpdateAccessKey") || a.equals("DeleteAccessKey"))
        .toList();
  }

  @Override
  public void close() {
    ses.close();
    aws.close();
  }

  /** A PrintStream target that turns lines into list entries. */
  private static final class LineSink extends java.io.OutputStream {
    private final List<String> lines;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    LineSink(List<String> lines) {
      this.lines = lines;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  /**
   * A self-signed certificate for the SES stand-in naming both {@link #SES_HOST} (what Exim and
   * PHPMailer connect to) and 127.0.0.2 (what the probe connects to through SESAME_SMTP_ENDPOINT),
   * made in process at test time so no key material lives in the repository.
   */
  record StandCertificate(TestPki.ServerCertificate certificate) {
    static StandCertificate create(Path dir) throws IOException {
      return new StandCertificate(TestPki.selfSigned(dir, "ses-stand-in", "dns:" + SES_HOST + ",ip:127.0.0.2"));
    }

    Path pem() {
      return certificate.pem();
    }

    SSLContext serverContext() throws Exception {
      return certificate.serverContext();
    }
  }
}
