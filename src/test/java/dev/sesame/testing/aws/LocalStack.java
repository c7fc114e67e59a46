package dev.sesame.testing.aws;

import dev.sesame.aws.AwsClients;
import dev.sesame.aws.AwsSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.EnabledService;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack through Testcontainers for the tests that repeat the stand-in scenarios against it.
 * Where no Docker engine is reachable, {@link #startOrSkip} prints why and skips the calling test
 * class before any container code runs. The SDK is pointed at the container through the
 * {@code aws.*} system properties, restored by {@link #close}.
 */
public final class LocalStack implements AutoCloseable {
  private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");

  private final LocalStackContainer container;
  private final AwsClients clients;
  private final Map<String, String> saved = new HashMap<>();

  private LocalStack(LocalStackContainer container) {
    this.container = container;
    set("aws.endpointUrl", container.getEndpoint().toString());
    set("aws.region", container.getRegion());
    set("aws.accessKeyId", container.getAccessKey());
    set("aws.secretAccessKey", container.getSecretKey());
    this.clients = AwsClients.create(AwsSettings.defaults(), StandInAws.FAST_RETRIES);
  }

  /**
   * Starts LocalStack with SERVICES, or skips the test class TEST (printing that COVERED_BY runs
   * the same scenarios against the stand-in) when there is no Docker engine.
   */
  public static LocalStack startOrSkip(Class<?> test, String coveredBy, String... services) {
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError unavailable) {
      docker = false;
    }
    if (!docker) {
      System.out.println(test.getSimpleName() + " skipped: no Docker engine reachable (Testcontainers found none); "
          + "the stand-in tests (" + coveredBy + ") cover the same scenarios.");
    }
    Assumptions.assumeTrue(docker, "no Docker engine reachable");
    LocalStackContainer container = new LocalStackContainer(IMAGE)
        .withServices(Arrays.stream(services).map(EnabledService::named).toArray(EnabledService[]::new));
    container.start();
    return new LocalStack(container);
  }

  /** SDK clients for the container (fast retries). */
  public AwsClients clients() {
    return clients;
  }

  @Override
  public void close() {
    clients.close();
    container.stop();
    saved.forEach((name, old) -> {
      if (old == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, old);
      }
    });
  }

  private void set(String name, String value) {
    saved.putIfAbsent(name, System.getProperty(name));
    System.setProperty(name, value);
  }
}
