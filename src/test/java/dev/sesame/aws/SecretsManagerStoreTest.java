package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.aws.SecretsManagerStore.StoredEntry;
import dev.sesame.testing.aws.AwsStandIn;
import dev.sesame.testing.aws.StandInAws;
import dev.sesame.vault.EntryVersion;
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
    assertThat(stored).contains("\"format\":\"sesame-sm/2\"").doesNotContain("pw-1");
  }

  @Test
  void asAnEntryStoreItReadsByLabelAndByVersionIdAndPutsANewCurrentVersion() throws Exception {
    SecretsManagerStore configured = SecretsManagerStore.at("sm://sesame/prod", clients, java.time.Clock.systemUTC(),
        StoreProtection.sealed(sealer()));
    SecretsManagerEntryStore entries = new SecretsManagerEntryStore(configured, "sm://sesame/prod", openers(),
        java.nio.file.Path.of("unused-state-dir"), java.time.Clock.systemUTC());
    String first = entries.put("mail", KmsKeySourceTest.smtp("one"));
    String second = entries.put("mail", KmsKeySourceTest.smtp("two"));

    EntryVersion current = entries.read("mail", Label.CURRENT);
    EntryVersion previous = entries.readVersion("mail", first);

    assertThat(current.id()).isEqualTo(second);
    assertThat(current.number()).isEmpty();
    assertThat(current.stages()).containsExactly("AWSCURRENT");
    assertThat(current.allFields()).containsEntry("smtp_password", "two");
    assertThat(previous.labels()).containsExactly(Label.PREVIOUS);
    assertThat(previous.allFields()).containsEntry("smtp_password", "one");
    assertThat(entries.list()).containsExactly("mail");
    assertThat(entries.labelled("mail").versions()).extracting(EntryVersion::id).containsExactly(second, first);
    assertThatThrownBy(() -> entries.readVersion("mail", "no-such-version"))
        .isInstanceOf(VaultException.NotFound.class);
  }

  @Test
  void aPlainEntryNeedsNoKeyInAStoreConfiguredPlain() throws Exception {
    SecretsManagerStore plain = SecretsManagerStore.at("sm://sesame/prod", clients, java.time.Clock.systemUTC(),
        StoreProtection.plain());
    plain.write("mail", KmsKeySourceTest.smtp("pw-plain"), List.of(), false);

    StoredEntry read = plain.read("mail", Label.CURRENT, List.of());

    assertThat(read.sealed()).isFalse();
    assertThat(read.allFields()).containsEntry("smtp_password", "pw-plain");
  }

  @Test
  void aPendingVersionOfAMissingEntryIsRefusedWithoutCreatingTheSecret() throws Exception {
    standIn.clearCalls();

    assertThatThrownBy(() -> store.write("mail", KmsKeySourceTest.smtp("new"), sealer(), true))
        .isInstanceOf(VaultException.NotFound.class).hasMessageContaining("a pending version needs a current one");

    assertThat(standIn.calls()).extracting(AwsStandIn.Call::action).containsExactly("DescribeSecret");
    assertThat(standIn.secretsManager().stages("sesame/prod/mail")).isEmpty();
  }

  @Test
  void aPutWhoseAnswerWasLostIsResentByteForByteButARewriteUnderTheSameTokenIsRefused() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("old"), sealer(), false);
    SecretsManagerStore rotating = SecretsManagerStore.at("sm://sesame/prod", clients, java.time.Clock.systemUTC(),
        StoreProtection.sealed(sealer()));
    String token = java.util.UUID.randomUUID().toString();
    standIn.faults().lostAnswer("PutSecretValue", 1);
    standIn.clearCalls();

    rotating.writePending("mail", KmsKeySourceTest.smtp("new"), token);

    // The SDK's retry re-sends the request it already built: same bytes, so Secrets Manager takes it as done.
    assertThat(standIn.calls("PutSecretValue")).isEqualTo(2);
    assertThat(standIn.secretsManager().stages("sesame/prod/mail")).hasSize(2).containsEntry(token, java.util.Set.of("AWSPENDING"));
    // A new encode draws a fresh data key, IV and created_at: Secrets Manager refuses it under the
    // same token, which is why a resumed rotation reads the pending version before writing one.
    assertThatThrownBy(() -> rotating.writePending("mail", KmsKeySourceTest.smtp("new"), token))
        .hasMessageContaining("cannot store");
    assertThat(rotating.read("mail", Label.PENDING, openers()).allFields()).containsEntry("smtp_password", "new");
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
    store.write("b", KmsKeySourceTest.smtp("x"), sealer(), false);
    store.write("a", KmsKeySourceTest.smtp("y"), sealer(), false);
    sm().createSecret(r -> r.name("elsewhere/c").secretString("z"));

    assertThatThrownBy(() -> store.read("nope", Label.CURRENT, openers())).isInstanceOf(VaultException.NotFound.class);
    assertThat(store.list()).containsExactly("a", "b");
  }

  @Test
  void aPlainValueWrittenOverASealedEntryIsRefusedAsTampering() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("pw-1"), sealer(), false);
    sm().putSecretValue(r -> r.secretId("sesame/prod/mail").secretString(
        "{\"format\":\"sesame-sm/2\",\"type\":\"smtp\",\"created_at\":\"2026-01-01T00:00:00Z\",\"fields\":"
            + "{\"smtp_host\":\"evil.example\",\"smtp_port\":\"25\",\"smtp_username\":\"x\",\"smtp_password\":\"y\"}}"));
    standIn.clearCalls();

    assertThatThrownBy(() -> store.read("mail", Label.CURRENT, openers()))
        .isInstanceOf(VaultException.Corrupt.class)
        .hasMessageContaining("plain value")
        .hasMessageContaining("tampering");
    assertThat(standIn.calls("Decrypt")).isZero();
  }

  @Test
  void aValueSealedUnderAKeyThisHostDoesNotTrustIsRefusedWithoutAnyKmsCall() throws Exception {
    String attackerKey = standIn.kms().createKey();
    store.write("mail", KmsKeySourceTest.smtp("forged"), List.of(KmsKeySource.create(clients, attackerKey)), false);
    standIn.clearCalls();
    List<KeySource> trustingTheStoreKeyOnly =
        List.of(KmsKeySource.forSlots(region -> clients.kms(), TrustedKeys.of(List.of(standIn.kms().arn(keyId)))));
    int namedBefore = standIn.kms().namedKeys().size();

    assertThatThrownBy(() -> store.read("mail", Label.CURRENT, trustingTheStoreKeyOnly))
        .isInstanceOf(VaultException.WrongKey.class)
        .hasMessageContaining("does not trust");
    assertThat(standIn.calls()).extracting(AwsStandIn.Call::action).containsExactly("GetSecretValue");
    assertThat(standIn.kms().namedKeys()).hasSize(namedBefore);
  }

  @Test
  void aRotationsNewVersionIsSealedAsConfiguredEvenWhenTheCurrentOneIsPlain() throws Exception {
    SecretsManagerStore sealedRotator = SecretsManagerStore.at("sm://sesame/prod", clients, java.time.Clock.systemUTC(),
        StoreProtection.sealed(sealer()));
    store.write("mail", KmsKeySourceTest.smtp("pw-plain"), List.of(), false);

    sealedRotator.writePending("mail", KmsKeySourceTest.smtp("new"), "11111111-2222-3333-4444-555555555555");

    String pending = sm().getSecretValue(r -> r.secretId("sesame/prod/mail").versionStage("AWSPENDING")).secretString();
    assertThat(pending).contains("\"sealed\"").doesNotContain("new").doesNotContain("\"fields\"");
    assertThat(sealedRotator.read("mail", Label.PENDING, openers()).allFields()).containsEntry("smtp_password", "new");
  }

  @Test
  void aSealedStoreThatHasNoKeyRefusesToWriteAPendingVersion() {
    assertThatThrownBy(() -> store.writePending("mail", KmsKeySourceTest.smtp("new"), "t"))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("--store-kms-key");
  }

  @Test
  void theStoreReaderIsStrictAboutDuplicatesTypesAndBase64() throws Exception {
    store.write("mail", KmsKeySourceTest.smtp("pw-1"), sealer(), false);
    String good = sm().getSecretValue(r -> r.secretId("sesame/prod/mail")).secretString();
    for (String bad : List.of(good.replace("{\"format\"", "{\"type\":\"smtp\",\"format\""),
        good.replace("\"type\":\"smtp\"", "\"type\":[\"smtp\"]"),
        good.replaceFirst("\"sealed\":\"", "\"sealed\":\" "),
        good + " {}")) {
      sm().putSecretValue(r -> r.secretId("sesame/prod/mail").secretString(bad));
      assertThatThrownBy(() -> store.read("mail", Label.CURRENT, openers()))
          .as(bad).isInstanceOf(VaultException.Corrupt.class);
    }
  }

  private List<KeySource> sealer() {
    return List.of(KmsKeySource.create(clients, "alias/sesame-store"));
  }

  private List<KeySource> openers() {
    return List.of(KmsKeySource.forSlots(region -> clients.kms(), TrustedKeys.of(standIn.kms().keyArns())));
  }

  private SecretsManagerClient sm() {
    return clients.secretsManager();
  }
}
