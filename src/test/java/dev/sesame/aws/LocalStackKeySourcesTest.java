package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.aws.LocalStack;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMS key source, the Secrets Manager key source and the store's staging labels against
 * LocalStack, where a Docker engine exists: the same scenarios as the stand-in tests, so the
 * stand-in cannot drift from a second implementation unnoticed. Skipped with the reason printed
 * where there is no Docker.
 */
class LocalStackKeySourcesTest {

  private static LocalStack localStack;
  private static AwsClients clients;

  @TempDir Path dir;

  @BeforeAll
  static void startLocalStack() {
    localStack = LocalStack.startOrSkip(LocalStackKeySourcesTest.class, "KmsKeySourceTest, SecretsManagerKeySourceTest and SecretsManagerStoreTest", "kms", "secretsmanager");
    clients = localStack.clients();
  }

  @AfterAll
  static void stopLocalStack() {
    if (localStack != null) {
      localStack.close();
    }
  }

  @Test
  void aVaultOpensThroughKmsAloneAndAMovedBlobDoesNot() throws Exception {
    String keyId = clients.kms().createKey(r -> r.description("sesame test")).keyMetadata().keyId();
    Path vault = dir.resolve("vault.json");
    Vault.create(vault, List.of(KmsKeySource.create(clients, keyId)), 5);
    Vault.update(vault, List.of(KmsKeySource.forSlots(r -> clients.kms(), trusted(keyId))), Duration.ofSeconds(5),
        v -> v.put("mail", KmsKeySourceTest.smtp("pw")));

    try (Vault opened = Vault.open(vault, List.of(KmsKeySource.forSlots(r -> clients.kms(), trusted(keyId))))) {
      assertThat(opened.get("mail", Label.CURRENT).allFields()).containsEntry("smtp_password", "pw");
    }
  }

  @Test
  void aSecretsManagerKeySecretOpensTheVault() throws Exception {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(clients, "sesame/test-key-" + System.nanoTime());
    source.createIfMissing();
    Path vault = dir.resolve("vault-sm.json");
    Vault.create(vault, List.of(source), 5);

    TrustedKeys pinned = TrustedKeys.of(List.of(source.secretArn().orElseThrow()));
    try (Vault opened = Vault.open(vault, List.of(SecretsManagerKeySource.forSlots(r -> clients.secretsManager(),
        pinned)))) {
      assertThat(opened.entries()).isEmpty();
    }
  }

  @Test
  void theStoreRotatesThroughTheNativeStagingLabels() throws Exception {
    SecretsManagerStore store = SecretsManagerStore.at("sm://sesame-" + System.nanoTime() + "/", clients);
    store.write("mail", KmsKeySourceTest.smtp("old"), List.of(), false);
    String pending = store.write("mail", KmsKeySourceTest.smtp("new"), List.of(), true);
    store.promote("mail", pending);

    assertThat(store.read("mail", Label.CURRENT, List.of()).allFields()).containsEntry("smtp_password", "new");
    assertThat(store.read("mail", Label.PREVIOUS, List.of()).allFields()).containsEntry("smtp_password", "old");
    assertThatThrownBy(() -> store.read("mail", Label.PENDING, List.of())).isInstanceOf(VaultException.NotFound.class);
  }


  /** KEY_ID pinned by the ARN KMS reports for it. */
  private static TrustedKeys trusted(String keyId) {
    return TrustedKeys.of(List.of(clients.kms().describeKey(r -> r.keyId(keyId)).keyMetadata().arn()));
  }
}
