package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.aws.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IAM key lifecycle of {@link AccessKeysTest} against LocalStack, where a Docker engine
 * exists. Without one it is skipped with the reason printed, before any container code runs.
 */
class LocalStackAccessKeysTest {
  private static final String USER = "ses-smtp-localstack";

  private static LocalStack localStack;
  private static AwsClients clients;

  @BeforeAll
  static void startLocalStack() {
    localStack = LocalStack.startOrSkip(LocalStackAccessKeysTest.class, "AccessKeysTest", "iam", "sts");
    clients = localStack.clients();
    clients.iam().createUser(r -> r.userName(USER));
  }

  @AfterAll
  static void stopLocalStack() {
    if (localStack != null) {
      localStack.close();
    }
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

}
