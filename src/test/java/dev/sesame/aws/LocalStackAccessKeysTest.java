package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.aws.StandInAws;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The IAM key lifecycle of {@link AccessKeysTest} against LocalStack, where a Docker engine
 * exists. Without one it is skipped with the reason printed, before any container code runs.
 */
class LocalStackAccessKeysTest {
  private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");
  private static final String USER = "ses-smtp-localstack";

  private static LocalStackContainer localStack;
  private static AwsClients clients;
  private static final Map<String, String> saved = new java.util.HashMap<>();

  @BeforeAll
  static void startLocalStack() {
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError unavailable) {
      docker = false;
    }
    if (!docker) {
      System.out.println(
          "LocalStackAccessKeysTest skipped: no Docker engine reachable (Testcontainers found none);"
              + " the stand-in tests cover the same scenarios.");
    }
    Assumptions.assumeTrue(docker, "no Docker engine reachable");
    localStack = new LocalStackContainer(IMAGE).withServices(LocalStackContainer.EnabledService.named("iam"), LocalStackContainer.EnabledService.named("sts"));
    localStack.start();
    set("aws.endpointUrl", localStack.getEndpoint().toString());
    set("aws.region", localStack.getRegion());
    set("aws.accessKeyId", localStack.getAccessKey());
    set("aws.secretAccessKey", localStack.getSecretKey());
    clients = AwsClients.create(AwsSettings.defaults(), StandInAws.FAST_RETRIES);
    clients.iam().createUser(r -> r.userName(USER));
  }

  @AfterAll
  static void stopLocalStack() {
    if (clients != null) {
      clients.close();
    }
    if (localStack != null) {
      localStack.stop();
    }
    saved.forEach((name, old) -> {
      if (old == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, old);
      }
    });
  }

  @Test
  void fullLifecycleAndTheTwoKeyLimit() throws Exception {
    AccessKeys keys = AccessKeys.using(clients);

    NewAccessKey first = keys.create(USER);
    NewAccessKey second = keys.create(USER);
    assertThat(keys.list(USER)).extracting(AccessKeyInfo::accessKeyId)
        .containsExactlyInAnyOrder(first.accessKeyId(), second.accessKeyId());

    try {
      keys.create(USER);
      throw new AssertionError("a third key was created");
    } catch (AwsException refused) {
      assertThat(refused.kind()).isEqualTo(AwsException.Kind.LIMIT_EXCEEDED);
      assertThat(refused.getMessage()).doesNotContain(first.secret().reveal(), second.secret().reveal());
    }

    keys.deactivate(USER, first.accessKeyId());
    assertThat(keys.list(USER)).filteredOn(k -> k.accessKeyId().equals(first.accessKeyId()))
        .singleElement().satisfies(k -> assertThat(k.status()).isEqualTo(KeyStatus.INACTIVE));
    keys.activate(USER, first.accessKeyId());
    keys.lastUsed(first.accessKeyId());

    keys.delete(USER, first.accessKeyId());
    keys.delete(USER, second.accessKeyId());
    assertThat(keys.list(USER)).isEmpty();

    try {
      keys.list("nobody-here");
      throw new AssertionError("listing an unknown user succeeded");
    } catch (AwsException missing) {
      assertThat(missing.kind()).isEqualTo(AwsException.Kind.NOT_FOUND);
    }
  }

  private static void set(String name, String value) {
    saved.putIfAbsent(name, System.getProperty(name));
    System.setProperty(name, value);
  }
}
