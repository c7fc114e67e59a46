package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.crypto.Argon2id;
import dev.sesame.testing.aws.KmsHandler;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.KeySource;
import dev.sesame.vault.Label;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vault whose data key KMS wraps, through the real SDK against the stand-in. */
class KmsKeySourceTest {
  private static final Argon2id.Params FAST_KDF = new Argon2id.Params(8 * 1024, 1, 1);

  @TempDir Path dir;
  private StandInAws aws;
  private KmsHandler kms;
  private AwsClients clients;
  private Path vault;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    kms = aws.standIn().kms();
    clients = aws.clients();
    vault = dir.resolve("vault.json");
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void aVaultMadeWithOnlyAKmsKeyOpensThroughKmsAlone() throws Exception {
    String keyId = kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    Vault.update(vault, List.of(opener()), Duration.ofSeconds(5), v -> v.put("mail", smtp("s3cret")));

    try (Vault opened = Vault.open(vault, List.of(opener()))) {
      assertThat(opened.get("mail", Label.CURRENT).allFields()).containsEntry("smtp_password", "s3cret");
      KeySlot slot = opened.keySlots().get(0);
      assertThat(slot.type()).isEqualTo("aws-kms");
      assertThat(slot.params()).containsEntry("key-id", "alias/sesame")
          .containsEntry("key-arn", kms.arn(keyId)).containsEntry("region", StandInAws.REGION);
    }
    assertThat(aws.standIn().calls("Encrypt")).isEqualTo(1);
    assertThat(Files.readString(vault)).doesNotContain("s3cret");
  }

  @Test
  void everyCallCarriesTheVaultIdAsEncryptionContextSoABlobMovedToAnotherVaultFails() throws Exception {
    kms.createKey("sesame");
    Path other = dir.resolve("other.json");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    Vault.create(other, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    String moved = Files.readString(vault);
    String target = Files.readString(other);
    String blob = between(moved, "\"wrapped_key\" : \"", "\"");
    String otherBlob = between(target, "\"wrapped_key\" : \"", "\"");
    Files.writeString(other, target.replace(otherBlob, blob));

    assertThatThrownBy(() -> Vault.open(other, List.of(opener())))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("InvalidCiphertextException");
  }

  @Test
  void aDeniedDecryptIsAWrongKeyThatQuotesKmsInOneLine() throws Exception {
    String keyId = kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    kms.denyDecrypt(keyId, true);

    assertThatThrownBy(() -> Vault.open(vault, List.of(opener())))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("AccessDeniedException")
        .hasMessageContaining("kms:Decrypt")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aDeletedKeyIsAWrongKey() throws Exception {
    String keyId = kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    KeySource pinnedBeforeDeletion = opener();
    kms.deleteKey(keyId);

    assertThatThrownBy(() -> Vault.open(vault, List.of(pinnedBeforeDeletion)))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("NotFoundException");
  }

  @Test
  void anUnknownKeyAtCreationIsAnAwsFailureNotAVault() {
    assertThatThrownBy(() -> Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/nope")), 5))
        .isInstanceOf(AwsKeySourceException.class)
        .hasMessageContaining("NotFoundException");
    assertThat(vault).doesNotExist();
  }

  @Test
  void kmsUnreachableAfterRetriesIsAnAwsFailureNotAWrongKey() throws Exception {
    kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    aws.standIn().faults().serverError("Decrypt", 10);

    assertThatThrownBy(() -> Vault.open(vault, List.of(opener())))
        .isInstanceOf(AwsKeySourceException.class)
        .hasMessageContaining("service error");
  }

  @Test
  void kmsForHostsAndAPassphraseForRecoveryEachOpenTheVault() throws Exception {
    kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    Vault.update(vault, List.of(opener()), Duration.ofSeconds(5), v -> {
      v.put("mail", smtp("pw"));
      return v.addKeySource(passphrase());
    });

    try (Vault viaKms = Vault.open(vault, List.of(opener()))) {
      assertThat(viaKms.get("mail", Label.CURRENT).allFields()).containsEntry("smtp_password", "pw");
    }
    aws.standIn().clearCalls();
    try (Vault viaPassphrase = Vault.open(vault, List.of(passphrase()))) {
      assertThat(viaPassphrase.get("mail", Label.CURRENT).allFields()).containsEntry("smtp_password", "pw");
    }
    assertThat(aws.standIn().calls()).isEmpty();
  }

  @Test
  void rekeyReEncryptsUnderTheSameKmsKey() throws Exception {
    String keyId = kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    Vault.update(vault, List.of(opener()), Duration.ofSeconds(5), v -> v.rekey(false));

    try (Vault opened = Vault.open(vault, List.of(opener()))) {
      assertThat(opened.keySlots().get(0).params()).containsEntry("key-arn", kms.arn(keyId));
    }
  }

  @Test
  void aSlotNamingAKeyThisHostDoesNotTrustIsRefusedWithoutAnyAwsCall() throws Exception {
    String sesameKey = kms.createKey("sesame");
    String attackerKey = kms.createKey();
    Vault.create(vault, List.of(KmsKeySource.create(clients, kms.arn(attackerKey))), 5);
    aws.standIn().clearCalls();
    KeySource trustsOnlySesame = KmsKeySource.forSlots(region -> clients.kms(),
        TrustedKeys.of(List.of(kms.arn(sesameKey))));

    assertThatThrownBy(() -> Vault.open(vault, List.of(trustsOnlySesame)))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("does not trust")
        .hasMessageContaining(kms.arn(attackerKey));
    assertThat(aws.standIn().calls()).isEmpty();
  }

  @Test
  void aTrustedKeyIsDecryptedInThePinnedRegionNotTheOneTheSlotNames() throws Exception {
    kms.createKey("sesame");
    Vault.create(vault, List.of(KmsKeySource.create(clients, "alias/sesame")), 5);
    String text = Files.readString(vault);
    Files.writeString(vault, text.replace("\"region\" : \"" + StandInAws.REGION + "\"", "\"region\" : \"eu-west-3\""));
    aws.standIn().clearCalls();

    assertThatThrownBy(() -> Vault.open(vault, List.of(opener())))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("eu-west-3, which this host does not trust");
    assertThat(aws.standIn().calls()).isEmpty();
  }

  /** Opens slots of every key the stand-in made (all pinned). */
  private KeySource opener() {
    return KmsKeySource.forSlots(region -> clients.kms(), TrustedKeys.of(kms.keyArns()));
  }

  private static PassphraseKeySource passphrase() {
    return PassphraseKeySource.of("correct horse".getBytes(StandardCharsets.UTF_8), FAST_KDF);
  }

  static Credential smtp(String password) {
    return Credential.of(EntryType.SMTP, Map.of(
        Credential.SMTP_HOST, "smtp.example.com",
        Credential.SMTP_PORT, "2525",
        Credential.SMTP_USERNAME, "bob",
        Credential.SMTP_PASSWORD, password));
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start) + start.length();
    return text.substring(from, text.indexOf(end, from));
  }
}
