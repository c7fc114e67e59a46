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
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

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

  private Map<String, List<String>> stages(String name) {
    DescribeSecretResponse described = sm.describeSecret(r -> r.secretId(name));
    return described.versionIdsToStages();
  }

  private static String token(int n) {
    return String.format("00000000-0000-4000-8000-%012d", n);
  }
}
