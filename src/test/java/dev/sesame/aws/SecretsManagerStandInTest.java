package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.aws.StandInAws;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The stand-in's staging labels, driven by the real SDK, match the Secrets Manager API reference
 * (PutSecretValue, UpdateSecretVersionStage, GetSecretValue): the same scenarios run unchanged
 * against LocalStack where Docker exists.
 */
class SecretsManagerStandInTest {
  private StandInAws aws;
  private SecretsManagerClient sm;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
    sm = aws.clients().secretsManager();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void theFirstVersionIsCurrentAndAPutWithoutStagesMovesCurrentAndPrevious() {
    String v1 = sm.createSecret(r -> r.name("p/mail").secretString("one").clientRequestToken(token(1))).versionId();
    String v2 = sm.putSecretValue(r -> r.secretId("p/mail").secretString("two").clientRequestToken(token(2))).versionId();

    assertThat(v1).isEqualTo(token(1));
    assertThat(stages("p/mail")).isEqualTo(Map.of(v2, List.of("AWSCURRENT"), v1, List.of("AWSPREVIOUS")));
    assertThat(sm.getSecretValue(r -> r.secretId("p/mail")).secretString()).isEqualTo("two");
    assertThat(sm.getSecretValue(r -> r.secretId("p/mail").versionStage("AWSPREVIOUS")).secretString()).isEqualTo("one");
  }

  @Test
  void aPendingVersionBecomesCurrentOnlyWhenItsLabelIsMoved() {
    String v1 = sm.createSecret(r -> r.name("m").secretString("one")).versionId();
    String v2 = sm.putSecretValue(r -> r.secretId("m").secretString("two").clientRequestToken(token(2))
        .versionStages("AWSPENDING")).versionId();
    assertThat(sm.getSecretValue(r -> r.secretId("m")).secretString()).isEqualTo("one");

    assertThatThrownBy(() -> sm.updateSecretVersionStage(r -> r.secretId("m").versionStage("AWSCURRENT")
        .moveToVersionId(v2))).isInstanceOf(InvalidParameterException.class);
    sm.updateSecretVersionStage(r -> r.secretId("m").versionStage("AWSCURRENT").moveToVersionId(v2)
        .removeFromVersionId(v1));
    sm.updateSecretVersionStage(r -> r.secretId("m").versionStage("AWSPENDING").removeFromVersionId(v2));

    assertThat(stages("m")).isEqualTo(Map.of(v2, List.of("AWSCURRENT"), v1, List.of("AWSPREVIOUS")));
  }

  @Test
  void aThirdVersionPushesTheOldestOffTheLabelsAndOutOfDescribe() {
    String v1 = sm.createSecret(r -> r.name("m").secretString("one")).versionId();
    String v2 = sm.putSecretValue(r -> r.secretId("m").secretString("two")).versionId();
    String v3 = sm.putSecretValue(r -> r.secretId("m").secretString("three")).versionId();

    assertThat(stages("m")).isEqualTo(Map.of(v3, List.of("AWSCURRENT"), v2, List.of("AWSPREVIOUS")));
    assertThat(sm.getSecretValue(r -> r.secretId("m").versionId(v1)).secretString()).isEqualTo("one");
  }

  @Test
  void theClientRequestTokenMakesPutIdempotentAndRefusesADifferentValue() {
    sm.createSecret(r -> r.name("m").secretString("one"));
    String first = sm.putSecretValue(r -> r.secretId("m").secretString("two").clientRequestToken(token(9))).versionId();
    String again = sm.putSecretValue(r -> r.secretId("m").secretString("two").clientRequestToken(token(9))).versionId();

    assertThat(again).isEqualTo(first);
    assertThat(stages("m")).hasSize(2);
    assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("m").secretString("other").clientRequestToken(token(9))))
        .isInstanceOf(ResourceExistsException.class);
  }

  @Test
  void unknownSecretsAndLabelsAreResourceNotFound() {
    assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("nope"))).isInstanceOf(ResourceNotFoundException.class);
    sm.createSecret(r -> r.name("m").secretString("one"));
    assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("m").versionStage("AWSPENDING")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> sm.createSecret(r -> r.name("m").secretString("two")))
        .isInstanceOf(ResourceExistsException.class);
  }

  @Test
  void listFiltersByNamePrefixAndPages() {
    for (String name : List.of("sesame/a", "sesame/b", "sesame/c", "other/x")) {
      sm.createSecret(r -> r.name(name).secretString("v"));
    }
    List<String> names = sm.listSecretsPaginator(r -> r.maxResults(2)
            .filters(f -> f.key("name").values("sesame/")))
        .stream().flatMap(page -> page.secretList().stream()).map(s -> s.name()).toList();

    assertThat(names).containsExactly("sesame/a", "sesame/b", "sesame/c");
  }

  @Test
  void getByArnWorksAsByName() {
    String arn = sm.createSecret(r -> r.name("m").secretString("one")).arn();
    assertThat(arn).matches("arn:aws:secretsmanager:eu-west-1:123456789012:secret:m-[A-Za-z]{6}");
    assertThat(sm.getSecretValue(r -> r.secretId(arn)).secretString()).isEqualTo("one");
  }

  @Test
  void secretNamesFollowTheCreateSecretRules() {
    assertThatThrownBy(() -> sm.createSecret(r -> r.name("bad name").secretString("v")))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("Invalid name");
    assertThatThrownBy(() -> sm.createSecret(r -> r.name("a#b").secretString("v")))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("Invalid name");
    assertThatThrownBy(() -> sm.createSecret(r -> r.name("x".repeat(513)).secretString("v")))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("length between 1 and 512");
    String longest = "p/" + "x".repeat(510);
    sm.createSecret(r -> r.name(longest).secretString("v"));
    sm.createSecret(r -> r.name("a/b_c+d=e.f@g-h").secretString("v"));

    assertThat(sm.getSecretValue(r -> r.secretId(longest)).secretString()).isEqualTo("v");
    assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("x".repeat(2049))))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("length between 1 and 2048");
  }

  @Test
  void clientRequestTokensAndVersionIdsAre32To64Characters() {
    sm.createSecret(r -> r.name("m").secretString("one"));

    assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("m").secretString("two").clientRequestToken("short")))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("clientRequestToken")
        .hasMessageContaining("length between 32 and 64");
    assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("m").secretString("two")
        .clientRequestToken("x".repeat(65)))).isInstanceOf(SecretsManagerException.class);
    assertThatThrownBy(() -> sm.createSecret(r -> r.name("n").secretString("v").clientRequestToken("x".repeat(31))))
        .isInstanceOf(SecretsManagerException.class);
    assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("m").versionId("v1")))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("versionId");
    assertThat(sm.putSecretValue(r -> r.secretId("m").secretString("two").clientRequestToken("x".repeat(32)))
        .versionId()).hasSize(32);
    assertThat(stages("m")).hasSize(2);
  }

  @Test
  void stagingLabelsAre1To256CharactersAndAtMost20() {
    sm.createSecret(r -> r.name("m").secretString("one"));

    assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("m").secretString("two").versionStages("")))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("versionStages");
    assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("m").secretString("two")
        .versionStages("x".repeat(257)))).isInstanceOf(SecretsManagerException.class);
    List<String> many = java.util.stream.IntStream.range(0, 21).mapToObj(i -> "L" + i).toList();
    assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("m").secretString("two").versionStages(many)))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("between 1 and 20");
    assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("m").versionStage("x".repeat(257))))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("versionStage");
    assertThat(stages("m")).as("nothing was written").hasSize(1);
  }

  @Test
  void tagsAreLimitedAsTagResourceSays() {
    sm.createSecret(r -> r.name("m").secretString("one"));

    assertThatThrownBy(() -> sm.tagResource(r -> r.secretId("m").tags(t -> t.key("aws:owner").value("x"))))
        .isInstanceOf(SecretsManagerException.class);
    assertThatThrownBy(() -> sm.tagResource(r -> r.secretId("m").tags(t -> t.key("").value("x"))))
        .isInstanceOf(SecretsManagerException.class);
    assertThatThrownBy(() -> sm.tagResource(r -> r.secretId("m").tags(t -> t.key("k".repeat(129)).value("x"))))
        .isInstanceOf(SecretsManagerException.class);
    assertThatThrownBy(() -> sm.tagResource(r -> r.secretId("m").tags(t -> t.key("k").value("v".repeat(257)))))
        .isInstanceOf(SecretsManagerException.class);
    assertThatThrownBy(() -> sm.tagResource(r -> r.secretId("m").tags(t -> t.key("k").value("a,b"))))
        .as("a comma is no tag character").isInstanceOf(SecretsManagerException.class);
    sm.tagResource(r -> r.secretId("m").tags(t -> t.key("k".repeat(128)).value("v".repeat(256)),
        t -> t.key("empty").value("")));
    List<Tag> fifty = java.util.stream.IntStream.range(0, 48)
        .mapToObj(i -> Tag.builder().key("t" + i).value("v").build()).toList();
    sm.tagResource(r -> r.secretId("m").tags(fifty));
    assertThat(sm.describeSecret(r -> r.secretId("m")).tags()).hasSize(50);
    assertThatThrownBy(() -> sm.tagResource(r -> r.secretId("m").tags(t -> t.key("one-more").value("v"))))
        .isInstanceOf(SecretsManagerException.class).hasMessageContaining("50");
    sm.tagResource(r -> r.secretId("m").tags(t -> t.key("t0").value("replaced")));
  }

  @Test
  void rotateSecretIsRefusedWhileAwsPendingIsOnAVersionOtherThanAwsCurrent() {
    String v1 = sm.createSecret(r -> r.name("m").secretString("one")).versionId();
    String v2 = sm.putSecretValue(r -> r.secretId("m").secretString("two").versionStages("AWSPENDING")).versionId();
    String lambda = "arn:aws:lambda:eu-west-1:123456789012:function:rotate";

    assertThatThrownBy(() -> sm.rotateSecret(r -> r.secretId("m").rotationLambdaARN(lambda)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("previous rotation isn't complete");
    sm.updateSecretVersionStage(r -> r.secretId("m").versionStage("AWSPENDING").removeFromVersionId(v2));
    String token = sm.rotateSecret(r -> r.secretId("m").rotationLambdaARN(lambda)).versionId();
    assertThat(stages("m")).containsEntry(token, List.of("AWSPENDING")).containsEntry(v1, List.of("AWSCURRENT"));

    // AWSPENDING on the AWSCURRENT version (a finished rotation) does not block the next one.
    sm.updateSecretVersionStage(r -> r.secretId("m").versionStage("AWSPENDING").moveToVersionId(v1)
        .removeFromVersionId(token));
    String next = sm.rotateSecret(r -> r.secretId("m")).versionId();
    assertThat(stages("m").get(next)).containsExactly("AWSPENDING");
  }

  @Test
  void withTheListLagOnANewSecretIsMissingFromListSecretsButFoundByName() {
    sm.createSecret(r -> r.name("sesame/old").secretString("v"));
    aws.standIn().secretsManager().delayNewNamesInList(true);
    sm.createSecret(r -> r.name("sesame/new").secretString("v"));

    assertThat(listed("sesame/")).containsExactly("sesame/old");
    assertThat(sm.describeSecret(r -> r.secretId("sesame/new")).name()).isEqualTo("sesame/new");
    assertThat(sm.getSecretValue(r -> r.secretId("sesame/new")).secretString()).isEqualTo("v");

    aws.standIn().secretsManager().delayNewNamesInList(false);
    assertThat(listed("sesame/")).containsExactly("sesame/new", "sesame/old");
  }

  private List<String> listed(String prefix) {
    return sm.listSecretsPaginator(r -> r.filters(f -> f.key("name").values(prefix)))
        .stream().flatMap(page -> page.secretList().stream()).map(s -> s.name()).toList();
  }

  private Map<String, List<String>> stages(String name) {
    DescribeSecretResponse described = sm.describeSecret(r -> r.secretId(name));
    return described.versionIdsToStages();
  }

  private static String token(int n) {
    return String.format("00000000-0000-4000-8000-%012d", n);
  }
}
