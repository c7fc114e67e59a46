package dev.sesame.rotate;

import dev.sesame.vault.VaultEntryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.SesRegions;
import dev.sesame.ses.SmtpPassword;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VersionedCredential;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry as `sesame import` stores a plain-text SES SMTP password: access key id, Region and
 * password, but no secret access key and no IAM user. Rotation and revoke take it over.
 */
class ImportedEntryRotationTest {
  private static final String REGION = "eu-west-1";

  @TempDir
  Path dir;
  private Path vault;
  private List<KeySource> keys;
  private FakeIam iam;
  private String leakedKey;
  private final List<String> progress = new ArrayList<>();
  private final List<String> deployed = new ArrayList<>();

  @BeforeEach
  void vaultWithAnImportedPassword() throws Exception {
    vault = dir.resolve("vault.json");
    keys = List.of(KeyFileKeySource.createOrLoad(dir.resolve("key")));
    Vault.create(vault, keys, 5);
    iam = new FakeIam(Clock.systemUTC());
    leakedKey = iam.addKey(true);
    Credential imported = Credential.of(EntryType.SES, Map.of(
        Credential.REGION, REGION,
        Credential.IAM_USER, "",
        Credential.ACCESS_KEY_ID, leakedKey,
        Credential.SECRET_ACCESS_KEY, Credential.UNKNOWN_SECRET_ACCESS_KEY,
        Credential.SMTP_USERNAME, leakedKey,
        Credential.SMTP_PASSWORD, SmtpPassword.derive(iam.secrets.get(leakedKey), REGION),
        Credential.SMTP_HOST, SesRegions.smtpHost(REGION),
        Credential.SMTP_PORT, "2587"));
    Vault.update(vault, keys, Duration.ofSeconds(5), v -> v.put("prod", imported));
  }

  private Rotator rotator() {
    CredentialProver prover = candidate -> {
      if (!iam.isUsable(candidate.field(Credential.ACCESS_KEY_ID).orElseThrow())) {
        throw new RotationException(Kind.SMTP, "SES rejected the SMTP login (535)");
      }
    };
    Deployer deployer = (entry, candidate) -> deployed.add(candidate.credential().field(Credential.ACCESS_KEY_ID)
        .orElseThrow());
    return new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(5), Clock.systemUTC()), iam, prover, deployer, Clock.systemUTC(), progress::add);
  }

  private VersionedCredential version(Label label) throws Exception {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.get("prod", label);
    }
  }

  @Test
  void anImportedVersionShowsNoSecretAccessKeyRatherThanAnEmptyOne() throws Exception {
    VersionedCredential current = version(Label.CURRENT);
    assertThat(current.credential().secretAccessKeyUnknown()).isTrue();
    assertThat(current.allFields()).doesNotContainKey(Credential.SECRET_ACCESS_KEY)
        .containsEntry(Credential.ACCESS_KEY_ID, leakedKey);
  }

  @Test
  void revokeFindsTheUserFromTheKeyIdDeactivatesTheLeakedKeyAndIssuesANewOne() throws Exception {
    rotator().revoke("prod", new Rotator.Options(Optional.empty(), true, Duration.ZERO));

    Credential current = version(Label.CURRENT).credential();
    String newKey = current.field(Credential.ACCESS_KEY_ID).orElseThrow();
    assertThat(newKey).isNotEqualTo(leakedKey);
    assertThat(iam.keys).containsOnlyKeys(newKey);
    assertThat(iam.calls).containsSubsequence("owner", "deactivate", "create", "delete");
    assertThat(deployed).containsExactly(newKey);
    // The new version is a whole SES credential: its user, its secret, the imported host and port.
    assertThat(current.field(Credential.IAM_USER)).contains(FakeIam.USER);
    assertThat(current.secretAccessKeyUnknown()).isFalse();
    assertThat(current.field(Credential.SMTP_PASSWORD)).contains(SmtpPassword.derive(iam.secrets.get(newKey), REGION));
    assertThat(current.field(Credential.SMTP_PORT)).contains("2587");
    assertThat(version(Label.PREVIOUS).credential().field(Credential.ACCESS_KEY_ID)).contains(leakedKey);
    assertThat(progress).anyMatch(line -> line.contains("belongs to " + FakeIam.USER));
  }

  @Test
  void theUserIsLookedUpOncePerRun() throws Exception {
    rotator().rotate("prod", new Rotator.Options(Optional.empty(), true, Duration.ofHours(24)));

    assertThat(iam.calls.stream().filter("owner"::equals)).hasSize(1);
    assertThat(iam.keys).doesNotContainKey(leakedKey);
    assertThat(version(Label.CURRENT).credential().field(Credential.IAM_USER)).contains(FakeIam.USER);
  }

  @Test
  void aKeyIamDoesNotKnowStopsBeforeAnyChange() throws Exception {
    iam.keys.remove(leakedKey);

    assertThatThrownBy(() -> rotator().revoke("prod", new Rotator.Options(Optional.empty(), true, Duration.ZERO)))
        .isInstanceOfSatisfying(RotationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
          assertThat(e.getMessage()).contains(leakedKey).contains("--iam-user");
        });
    assertThat(iam.calls).containsOnly("owner");
    assertThat(version(Label.CURRENT).credential().field(Credential.ACCESS_KEY_ID)).contains(leakedKey);
  }

  @Test
  void statusNamesTheUserIamFoundForTheKey() throws Exception {
    EntryStatus status = EntryStatus.read(vault, keys, "prod", iam);

    assertThat(status.iamUser()).isEqualTo(FakeIam.USER);
    assertThat(status.iamKeys()).extracting(row -> row.key().id()).containsExactly(leakedKey);
  }
}
