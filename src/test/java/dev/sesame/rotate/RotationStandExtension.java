package dev.sesame.rotate;

import dev.sesame.rotate.RotationStand.StandCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link RotationStand} for every test, in a folder of its own that is removed afterwards,
 * over one SES certificate per test class. Register it on a static field:
 * {@code @RegisterExtension static final RotationStandExtension WORLD = new RotationStandExtension(587);}
 */
final class RotationStandExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {
  private final int smtpPort;
  private Path certDir;
  private StandCertificate cert;
  private Path dir;
  private RotationStand stand;

  RotationStandExtension(int smtpPort) {
    this.smtpPort = smtpPort;
  }

  /** This test's stand. */
  RotationStand stand() {
    return stand;
  }

  /** The class's certificate, for further stands a test starts itself. */
  StandCertificate cert() {
    return cert;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    certDir = Files.createTempDirectory("rotation-stand-cert");
    cert = StandCertificate.create(certDir);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("rotation-stand");
    stand = RotationStand.start(dir, cert, smtpPort);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      stand.close();
    } finally {
      delete(dir);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    delete(certDir);
  }

  private static void delete(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
