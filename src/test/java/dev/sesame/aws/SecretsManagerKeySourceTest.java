package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/** Key material kept in Secrets Manager, fetched at open time, through the SDK and the stand-in. */
class SecretsManagerKeySourceTest {
  @TempDir Path dir;
  private StandInAws aws;
  private AwsClients clients;
  private Path vault;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    clients = aws.clients();
    vault = dir.resolve("vault.json");
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void initCreatesTheKeySecretWhenMissingAndTheVaultOpensWithOneGetSecretValue() throws Exception {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(clients, "sesame/vault-key");
    assertThat(source.createIfMissing()).isTrue();
    assertThat(source.createIfMissing()).isFalse();
    Vault.create(vault, List.of(source), 5);
    Vault.update(vault, List.of(opener()), Duration.ofSeconds(5), v -> v.put("mail", KmsKeySourceTest.smtp("pw")));
    aws.standIn().clearCalls();

    try (Vault opened = Vault.open(vault, List.of(opener()))) {
      assertThat(opened.get("mail", Label.CURRENT).allFields()).containsEntry("smtp_password", "pw");
      assertThat(opened.keySlots().get(0).type()).isEqualTo("aws-secretsmanager");
      assertThat(opened.keySlots().get(0).params()).containsEntry("secret-id", "sesame/vault-key")
          .containsEntry("region", StandInAws.REGION);
    }
    assertThat(aws.standIn().calls()).extracting(c -> c.action()).containsExactly("GetSecretValue");
    assertThat(aws.standIn().secretsManager().getValueStages()).containsOnly("AWSCURRENT");
  }

  @Test
  void materialAsBase64TextWorksToo() throws Exception {
    byte[] material = new byte[32];
    material[0] = 7;
    clients.secretsManager().createSecret(r -> r.name("k").secretString(Base64.getEncoder().encodeToString(material)));
    Vault.create(vault, List.of(SecretsManagerKeySource.create(clients, "k")), 5);

    try (Vault opened = Vault.open(vault, List.of(opener()))) {
      assertThat(opened.entries()).isEmpty();
    }
  }

  @Test
  void overwrittenKeyMaterialIsAWrongKeyThatSaysWhy() throws Exception {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(clients, "k");
    source.createIfMissing();
    Vault.create(vault, List.of(source), 5);
    clients.secretsManager().putSecretValue(r -> r.secretId("k").secretBinary(SdkBytes.fromByteArray(new byte[32])));

    assertThatThrownBy(() -> Vault.open(vault, List.of(opener())))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("does not open it");
  }

  @Test
  void aMissingSecretIsAWrongKey() throws Exception {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(clients, "k");
    source.createIfMissing();
    Vault.create(vault, List.of(source), 5);
    Files.writeString(vault, Files.readString(vault));
    try (StandInAws fresh = StandInAws.start()) {
      assertThatThrownBy(() -> Vault.open(vault, List.of(SecretsManagerKeySource.forSlots(
              r -> fresh.clients().secretsManager(), trustAll()))))
          .isInstanceOf(VaultException.WrongKey.class)
          .hasMessageContaining("ResourceNotFoundException");
    }
  }

  @Test
  void aSlotNamingASecretThisHostDoesNotTrustIsRefusedWithoutAnyAwsCall() throws Exception {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(clients, "attacker-key");
    source.createIfMissing();
    Vault.create(vault, List.of(source), 5);
    SecretsManagerKeySource.create(clients, "k").createIfMissing();
    aws.standIn().clearCalls();

    assertThatThrownBy(() -> Vault.open(vault, List.of(SecretsManagerKeySource.forSlots(r -> clients.secretsManager(),
            TrustedKeys.of(List.of(aws.standIn().secretsManager().arnOf("k")))))))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("attacker-key")
        .hasMessageContaining("does not trust");
    assertThat(aws.standIn().calls()).isEmpty();
  }

  @Test
  void createIfMissingLearnsTheArnToPin() throws Exception {
    SecretsManagerKeySource source = SecretsManagerKeySource.create(clients, "sesame/vault-key");
    source.createIfMissing();

    assertThat(source.secretArn()).contains(aws.standIn().secretsManager().arnOf("sesame/vault-key"));
  }

  /** Opens slots of every secret named k or sesame/vault-key in the stand-in (pinned by ARN). */
  private TrustedKeys trustAll() {
    return TrustedKeys.of(java.util.stream.Stream.of("k", "sesame/vault-key")
        .map(aws.standIn().secretsManager()::arnOf).filter(java.util.Objects::nonNull).toList());
  }

  private KeySource opener() {
    return SecretsManagerKeySource.forSlots(region -> clients.secretsManager(), trustAll());
  }
}
