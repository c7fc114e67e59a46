package dev.sesame.rotate;

import dev.sesame.vault.VaultEntryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.aws.AwsClients;
import dev.sesame.rotate.KeyLifecycle.IamKey;
import dev.sesame.rotate.KeyLifecycle.NewKey;
import dev.sesame.rotate.RotationException.Kind;
import dev.sesame.ses.SesCredentials;
import dev.sesame.testing.aws.LocalStack;
import dev.sesame.vault.Credential;
import dev.sesame.vault.KeyFileKeySource;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IAM part of the rotation scenarios against LocalStack's IAM, where a Docker engine exists;
 * skipped with the reason printed where not. LocalStack has no SES SMTP endpoint, so the test step
 * is a prover that accepts a key exactly when IAM lists it Active.
 */
class LocalStackRotationTest {
  private static LocalStack localStack;
  private static AwsClients clients;

  @TempDir
  Path dir;
  private String user;
  private Path vault;
  private List<KeySource> keys;
  private KeyLifecycle iam;

  @BeforeAll
  static void startLocalStack() {
    localStack = LocalStack.startOrSkip(LocalStackRotationTest.class, "RotationScenariosTest", "iam", "sts");
    clients = localStack.clients();
  }

  @AfterAll
  static void stopLocalStack() {
    if (localStack != null) {
      localStack.close();
    }
  }


  @BeforeEach
  void userWithOneKey() throws Exception {
    user = "ses-smtp-" + UUID.randomUUID().toString().substring(0, 8);
    clients.iam().createUser(r -> r.userName(user));
    iam = new AwsKeyLifecycle(clients);
    NewKey first = iam.create(user);
    vault = dir.resolve("vault.json");
    keys = List.of(KeyFileKeySource.createOrLoad(dir.resolve("vault.key")));
    Vault.create(vault, keys, 5);
    Credential credential = SesCredentials.fromAccessKey("eu-west-1", user, first.id(), first.secret(), 587);
    Vault.update(vault, keys, Duration.ofSeconds(10), v -> v.put("prod", credential));
  }

  private Rotator rotator() {
    CredentialProver activeInIam = candidate -> {
      String id = candidate.field(Credential.ACCESS_KEY_ID).orElseThrow();
      if (iam.list(user).stream().noneMatch(k -> k.id().equals(id) && k.active())) {
        throw new RotationException(Kind.SMTP, "key " + id + " is not active in IAM");
      }
    };
    return new Rotator(new VaultEntryStore(vault, keys, Duration.ofSeconds(10), Clock.systemUTC()), iam, activeInIam, Deployer.NONE, Clock.systemUTC(),
        line -> { });
  }

  private String currentKey() throws Exception {
    try (Vault opened = Vault.open(vault, keys)) {
      return opened.get("prod", Label.CURRENT).credential().field(Credential.ACCESS_KEY_ID).orElseThrow();
    }
  }

  private List<String> keyIds() throws Exception {
    return iam.list(user).stream().map(IamKey::id).toList();
  }

  @Test
  void aRetireNowRotationLeavesOnlyTheNewKey() throws Exception {
    String first = currentKey();
    rotator().rotate("prod", new Rotator.Options(Optional.empty(), true, Duration.ofHours(24)));
    assertThat(currentKey()).isNotEqualTo(first);
    assertThat(keyIds()).containsExactly(currentKey());
  }

  @Test
  void aSecondActiveKeyStopsTheRotation() throws Exception {
    String other = iam.create(user).id();
    assertThatThrownBy(() -> rotator().rotate("prod", new Rotator.Options(Optional.empty(), true, Duration.ZERO)))
        .isInstanceOfSatisfying(RotationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(keyIds()).containsExactlyInAnyOrder(currentKey(), other);
  }

  @Test
  void revokeWithTwoKeysEndsWithOnlyTheNewOne() throws Exception {
    String first = currentKey();
    String other = iam.create(user).id();
    rotator().revoke("prod", new Rotator.Options(Optional.empty(), true, Duration.ZERO));
    assertThat(currentKey()).isNotIn(first, other);
    assertThat(keyIds()).containsExactly(currentKey());
  }
}
