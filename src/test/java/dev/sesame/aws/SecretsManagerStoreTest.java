package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Secrets Manager as the shared store: sealed and plain values, staging labels, one read per entry. */
class SecretsManagerStoreTest {
  private StandInAws aws;
  private AwsStandIn standIn;
  private AwsClients clients;
  private SecretsManagerStore store;
  private String keyId;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    standIn = aws.standIn();
    clients = aws.clients();
    keyId = standIn.kms().createKey("sesame-store");
    store = SecretsManagerStore.at("sm://sesame/prod", clients);
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void aSealedEntryReadsBackWithOneGetSecretValueAndOneDecryptAndSecretsManagerSeesOnlyCiphertext() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("pw-1"), sealer(), false);
    standIn.clearCalls();

    StoredEntry read = store.read("mail", Label.CURRENT, openers());

    assertThat(read.allFields()).containsEntry("smtp_password", "pw-1");
    assertThat(read.sealed()).isTrue();
    assertThat(read.stages()).containsExactly("AWSCURRENT");
    assertThat(standIn.calls()).extracting(AwsStandIn.Call::action).containsExactly("GetSecretValue", "Decrypt");
    String stored = sm().getSecretValue(r -> r.secretId("sesame/prod/mail")).secretString();
    assertThat(stored).contains("\"format\":\"sesame-sm/1\"").doesNotContain("pw-1");
  }

  @Test
  void aPlainEntryNeedsNoKey() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("pw-plain"), List.of(), false);

    StoredEntry read = store.read("mail", Label.CURRENT, List.of());

    assertThat(read.sealed()).isFalse();
    assertThat(read.allFields()).containsEntry("smtp_password", "pw-plain");
  }

  @Test
  void aRotationUsesTheNativeStagingLabels() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("old"), sealer(), false);
    String pending = store.write("mail", KmsKeySourceTest.smtp("new"), sealer(), true);

    assertThat(store.read("mail", Label.CURRENT, openers()).allFields()).containsEntry("smtp_password", "old");
    assertThat(store.read("mail", Label.PENDING, openers()).allFields()).containsEntry("smtp_password", "new");

    store.promote("mail", pending);

    assertThat(store.read("mail", Label.CURRENT, openers()).versionId()).isEqualTo(pending);
    assertThat(store.read("mail", Label.PREVIOUS, openers()).allFields()).containsEntry("smtp_password", "old");
    assertThatThrownBy(() -> store.read("mail", Label.PENDING, openers())).isInstanceOf(VaultException.NotFound.class);
  }

  @Test
  void aSealedValueCopiedToAnotherEntryFailsAuthentication() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("pw-1"), sealer(), false);
    store.write("other", KmsKeySourceTest.smtp("pw-2"), sealer(), false);
    String copied = sm().getSecretValue(r -> r.secretId("sesame/prod/mail")).secretString();
    sm().putSecretValue(r -> r.secretId("sesame/prod/other").secretString(copied));

    assertThatThrownBy(() -> store.read("other", Label.CURRENT, openers()))
        .isInstanceOf(VaultException.class)
        .satisfies(e -> assertThat(e).isInstanceOfAny(VaultException.Corrupt.class, VaultException.WrongKey.class));
  }

  @Test
  void aDeniedDecryptIsAWrongKey() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("pw-1"), sealer(), false);
    standIn.kms().denyDecrypt(keyId, true);

    assertThatThrownBy(() -> store.read("mail", Label.CURRENT, openers()))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("AccessDeniedException");
  }

  @Test
  void aMissingEntryIsNotFoundAndListNamesTheEntries() throws Exception {
    store.write("b", KmsKeySourceTest.smtp("x"), List.of(), false);
    store.write("a", KmsKeySourceTest.smtp("y"), List.of(), false);
    sm().createSecret(r -> r.name("elsewhere/c").secretString("z"));

    assertThatThrownBy(() -> store.read("nope", Label.CURRENT, openers())).isInstanceOf(VaultException.NotFound.class);
    assertThat(store.list()).containsExactly("a", "b");
  }

  private List<KeySource> sealer() {
    return List.of(KmsKeySource.create(clients, "alias/sesame-store"));
  }

  private List<KeySource> openers() {
    return List.of(KmsKeySource.forSlots(region -> clients.kms()));
  }

  private SecretsManagerClient sm() {
    return clients.secretsManager();
  }
}
