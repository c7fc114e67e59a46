package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.process.SesameProcess.Result;
import dev.sesame.ses.SmtpPassword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2, "Secret hygiene": every verb runs as a child process with known, distinctive secrets;
 * afterwards no secret shows in any stderr, in any stdout but the one that asked for it, or in
 * any file the runs left behind. One scenario (in order, like a user's session) serves every
 * assertion below.
 */
class SecretHygieneTest {
  private static final String REGION = "eu-central-1";
  private static final String SES_SECRET = "hYgIeNe/SeSaMe+SeCrEt0123456789abcdefQRS";
  private static final String DERIVED_PASSWORD = SmtpPassword.derive(SES_SECRET, REGION);
  private static final String MANUAL_PASSWORD = "manual-SMTP-pässword:with'quotes\" and spaces #42";
  private static final String PASSPHRASE = "first hygiene passphrase 7f3a";
  private static final String NEW_PASSPHRASE = "second hygiene passphrase 9c1b";
  private static final List<String> SECRETS = List.of(SES_SECRET, DERIVED_PASSWORD, MANUAL_PASSWORD, PASSPHRASE,
      NEW_PASSPHRASE);

  @TempDir
  static Path dir;

  private static Path vaultDir;
  private static Path spareKeyDir;
  private static Path elsewhere;
  private static Path tmpDir;
  private static Path workDir;
  private static Path vault;
  private static Path key;
  private static Path spareKey;
  private static SesameProcess sesame;

  private record Step(Result result, int expectedExit, Set<String> mayPrint) {}

  private static final List<Step> STEPS = new ArrayList<>();
  private static final Map<String, String> MODES_AFTER_CREATION = new LinkedHashMap<>();

  @BeforeAll
  static void runEveryVerb() throws Exception {
    vaultDir = Files.createDirectory(dir.resolve("vault"));
    spareKeyDir = Files.createDirectory(dir.resolve("spare"));
    elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    tmpDir = Files.createDirectory(dir.resolve("tmp"));
    workDir = Files.createDirectory(dir.resolve("cwd"));
    vault = vaultDir.resolve("vault.json");
    key = vaultDir.resolve("vault.key");
    spareKey = spareKeyDir.resolve("spare.key");
    Path otherKey = elsewhere.resolve("other.key");
    Fixtures.keyFile(otherKey);
    sesame = SesameProcess.withTmpDir(tmpDir).workDir(workDir);
    String[] withKey = {"--vault", vault.toString(), "--key-file", key.toString()};
    String[] withOtherKey = {"--vault", vault.toString(), "--key-file", otherKey.toString()};
    String[] withPassphrase = {"--vault", vault.toString(), "--passphrase-stdin"};
    String[] sesPut = {"put", "ses1", "--region", REGION, "--access-key-id", "AKIAHYGIENE000000001", "--iam-user",
        "mailer", "--secret-stdin"};

    step(0, Set.of(), "", concat(new String[] {"init"}, withKey));
    MODES_AFTER_CREATION.put("vault after init", Fixtures.mode(vault));
    MODES_AFTER_CREATION.put("key file made by init", Fixtures.mode(key));
    step(0, Set.of(), SES_SECRET + "\n", concat(sesPut, withKey));
    step(0, Set.of(), MANUAL_PASSWORD + "\n", concat(new String[] {"put", "relay", "--host", "smtp.example.test",
        "--port", "587", "--smtp-username", "relay-user", "--smtp-password-stdin"}, withKey));
    step(0, Set.of(), SES_SECRET + "\n", concat(sesPut, withKey)); // a second version
    step(0, Set.of(DERIVED_PASSWORD), "", concat(new String[] {"get", "ses1"}, withKey));
    step(0, Set.of(SES_SECRET), "", concat(new String[] {"get", "ses1", "--field", "secret_access_key"}, withKey));
    step(0, Set.of(), "", concat(new String[] {"get", "ses1", "--field", "smtp_username"}, withKey));
    step(0, Set.of(SES_SECRET, DERIVED_PASSWORD), "",
        concat(new String[] {"get", "ses1", "--label", "previous", "--output", "json"}, withKey));
    step(0, Set.of(MANUAL_PASSWORD), "", concat(new String[] {"get", "relay"}, withKey));
    step(0, Set.of(MANUAL_PASSWORD), "", concat(new String[] {"get", "relay", "--output", "json"}, withKey));
    step(0, Set.of(), "", concat(new String[] {"list"}, withKey));
    step(0, Set.of(), "", concat(new String[] {"list", "--output", "json"}, withKey));
    step(0, Set.of(), "", concat(new String[] {"list", "--key-slots"}, withKey));
    step(0, Set.of(), PASSPHRASE + "\n", concat(new String[] {"passwd", "--add", "--new-passphrase-stdin",
        "--kdf-memory", "8", "--kdf-iterations", "1"}, withKey));
    step(0, Set.of(), PASSPHRASE + "\n", concat(new String[] {"list"}, withPassphrase));
    step(0, Set.of(), PASSPHRASE + "\n" + NEW_PASSPHRASE + "\n", concat(new String[] {"passwd",
        "--new-passphrase-stdin", "--kdf-memory", "8", "--kdf-iterations", "1"}, withPassphrase));
    step(3, Set.of(), PASSPHRASE + "\n", concat(new String[] {"list"}, withPassphrase)); // the replaced one
    step(3, Set.of(), PASSPHRASE + "\n", concat(new String[] {"--debug", "list"}, withPassphrase));
    step(0, Set.of(), "", concat(new String[] {"passwd", "--add", "--new-key-file", spareKey.toString()}, withKey));
    MODES_AFTER_CREATION.put("key file made by passwd", Fixtures.mode(spareKey));
    step(5, Set.of(), NEW_PASSPHRASE + "\n", concat(new String[] {"rekey", "--passphrase-stdin"}, withKey));
    step(0, Set.of(), NEW_PASSPHRASE + "\n",
        concat(new String[] {"rekey", "--passphrase-stdin", "--drop-other-sources"}, withKey));
    MODES_AFTER_CREATION.put("vault after rekey", Fixtures.mode(vault));
    Result slots = step(0, Set.of(), "", concat(new String[] {"list", "--key-slots"}, withKey));
    String passphraseSlot = slots.out().lines().filter(l -> l.contains(" passphrase ")).findFirst().orElseThrow()
        .split(" ")[0];
    step(0, Set.of(), "", concat(new String[] {"passwd", "--remove", passphraseSlot}, withKey));
    step(0, Set.of(), "", concat(new String[] {"rm", "relay"}, withKey));
    step(0, Set.of(DERIVED_PASSWORD), SES_SECRET + "\n", "smtp-password", "--region", REGION);
    step(0, Set.of(), "", "--help");
    step(0, Set.of(), "", "--version");
    for (String verb : List.of("init", "put", "get", "list", "rm", "rekey", "passwd", "smtp-password")) {
      step(0, Set.of(), "", verb, "--help");
    }
    for (String debug : List.of("", "--debug")) {
      step(3, Set.of(), "", withDebug(debug, concat(new String[] {"get", "ses1"}, withOtherKey)));
      step(3, Set.of(), SES_SECRET + "\n", withDebug(debug, concat(sesPut, withOtherKey)));
      step(3, Set.of(), NEW_PASSPHRASE + "\n", withDebug(debug, concat(new String[] {"get", "ses1"}, withPassphrase)));
      step(4, Set.of(), "", withDebug(debug, concat(new String[] {"get", "nosuch"}, withKey)));
      step(4, Set.of(), "", withDebug(debug, concat(new String[] {"rm", "nosuch"}, withKey)));
      step(2, Set.of(), SES_SECRET + "\n", withDebug(debug, concat(new String[] {"put", "ses1", "--region", REGION,
          "--secret-stdin"}, withKey)));
      step(2, Set.of(), SES_SECRET + "\n", withDebug(debug, concat(new String[] {"put", "ses1", "--region", REGION,
          "--access-key-id", "AKIAHYGIENE000000001", "--secret-stdin", "--smtp-port", "0"}, withKey)));
      step(2, Set.of(), "", withDebug(debug, concat(new String[] {"get", "ses1", "--field", "nosuch"}, withKey)));
      step(2, Set.of(), "", withDebug(debug, "smtp-password", "--region", REGION));
      step(2, Set.of(), MANUAL_PASSWORD + "\n", withDebug(debug, "put", "relay", "--smtp-password-stdin"));
    }
  }

  @Test
  void everyStepExitsAsExpected() {
    for (Step step : STEPS) {
      assertThat(step.result().exitCode()).as(step.result().toString()).isEqualTo(step.expectedExit());
    }
  }

  @Test
  void theRequestedOutputsCarryTheSecretsSoTheScanCanSeeThem() {
    assertThat(STEPS.get(4).result().out()).isEqualTo(DERIVED_PASSWORD + "\n");
    assertThat(STEPS.get(5).result().out()).isEqualTo(SES_SECRET + "\n");
    assertThat(STEPS.get(8).result().out()).isEqualTo(MANUAL_PASSWORD + "\n");
    Result smtpPassword = STEPS.stream().map(Step::result).filter(r -> r.args().get(0).equals("smtp-password"))
        .findFirst().orElseThrow();
    assertThat(smtpPassword.out()).isEqualTo(DERIVED_PASSWORD + "\n");
    assertThat(SecretForms.findIn(STEPS.get(7).result().stdout(), SES_SECRET)).isEqualTo("UTF-8");
  }

  @Test
  void noSecretAppearsInAnyStderr() {
    for (Step step : STEPS) {
      for (String secret : SECRETS) {
        assertThat(SecretForms.findIn(step.result().stderr(), secret))
            .as("secret #%d in stderr of %s", SECRETS.indexOf(secret), step.result()).isNull();
      }
    }
  }

  @Test
  void noSecretAppearsInStdoutUnlessItWasTheRequestedOutput() {
    for (Step step : STEPS) {
      for (String secret : SECRETS) {
        if (!step.mayPrint().contains(secret)) {
          assertThat(SecretForms.findIn(step.result().stdout(), secret))
              .as("secret #%d in stdout of %s", SECRETS.indexOf(secret), step.result()).isNull();
        }
      }
    }
  }

  @Test
  void noFileLeftAnywhereHoldsASecret() throws IOException {
    for (Path folder : List.of(vaultDir, spareKeyDir, elsewhere, tmpDir, workDir)) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          byte[] content = Files.readAllBytes(file);
          for (String secret : SECRETS) {
            assertThat(SecretForms.findIn(content, secret)).as("secret #%d in %s", SECRETS.indexOf(secret), file)
                .isNull();
          }
        }
      }
    }
  }

  @Test
  void theVaultFolderHoldsOnlyTheVaultItsLockAndTheKeyFile() throws IOException {
    assertThat(Fixtures.names(vaultDir)).containsExactly("vault.json", "vault.json.lock", "vault.key");
  }

  @Test
  void theChildrenLeaveNothingInTheirTempFolderOrWorkingFolder() throws IOException {
    assertThat(Fixtures.names(tmpDir)).isEmpty();
    assertThat(Fixtures.names(workDir)).isEmpty();
  }

  @Test
  void newVaultAndKeyFilesAreMode0600() throws IOException {
    assertThat(MODES_AFTER_CREATION).allSatisfy((what, mode) -> assertThat(mode).as(what).isEqualTo("rw-------"));
    assertThat(Fixtures.mode(vault)).isEqualTo("rw-------");
    assertThat(Fixtures.mode(vault.resolveSibling("vault.json.lock"))).isEqualTo("rw-------");
  }

  private static Result step(int expectedExit, Set<String> mayPrint, String stdin, String... args) {
    Result result = sesame.runWithStdin(stdin, args);
    STEPS.add(new Step(result, expectedExit, mayPrint));
    return result;
  }

  private static String[] withDebug(String debug, String... args) {
    return debug.isEmpty() ? args : concat(new String[] {debug}, args);
  }

  private static String[] concat(String[] first, String... second) {
    return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
  }
}
