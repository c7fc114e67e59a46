package dev.sesame.ses;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The probe's settings from the environment, read in this one place (design.md section 6):
 * SESAME_SMTP_ENDPOINT=host:port replaces an entry's own endpoint, SESAME_SMTP_CA_FILE names a PEM
 * file of CA certificates trusted in addition to the JVM's.
 */
public record ProbeSettings(Optional<SmtpEndpoint> endpointOverride, Optional<Path> caFile) {
  public static final String ENDPOINT_VARIABLE = "SESAME_SMTP_ENDPOINT";
  public static final String CA_FILE_VARIABLE = "SESAME_SMTP_CA_FILE";

  public ProbeSettings {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    Objects.requireNonNull(caFile, "caFile");
  }

  /**
   * Reads ENV (System.getenv() in production, a map in tests); unset or blank variables count as
   * absent. A malformed endpoint is an IllegalArgumentException that names the variable.
   */
  public static ProbeSettings fromEnvironment(Map<String, String> env) {
    Optional<SmtpEndpoint> endpoint = value(env, ENDPOINT_VARIABLE).map(text -> {
      try {
        return SmtpEndpoint.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENDPOINT_VARIABLE + ": " + e.getMessage(), e);
      }
    });
    return new ProbeSettings(endpoint, value(env, CA_FILE_VARIABLE).map(Path::of));
  }

  /** The endpoint to prove an entry against: the override, else the entry's smtp_host/smtp_port. */
  public SmtpEndpoint endpointFor(String entryHost, int entryPort) {
    return endpointOverride.orElseGet(() -> new SmtpEndpoint(entryHost, entryPort));
  }

  /**
   * As above for an entry whose TLS mode is ENTRY_TLS. The override stands in for the entry's
   * endpoint, so it is reached with the entry's mode too.
   */
  public SmtpEndpoint endpointFor(String entryHost, int entryPort, TlsMode entryTls) {
    return endpointOverride.orElseGet(() -> new SmtpEndpoint(entryHost, entryPort)).withTlsMode(entryTls);
  }

  /** The JVM's default trust, plus the CAs of the CA file when one is set. */
  public SSLContext sslContext() throws IOException, GeneralSecurityException {
    if (caFile.isEmpty()) {
      return SSLContext.getDefault();
    }
    try {
      return TrustedCas.jvmDefaultPlus(TrustedCas.readPem(caFile.get()));
    } catch (IOException e) {
      throw new IOException(CA_FILE_VARIABLE + "=" + caFile.get() + ": cannot read: " + e, e);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(CA_FILE_VARIABLE + "=" + caFile.get() + ": "
          + e.getMessage(), e);
    }
  }

  /** OPTIONS with this environment's trust. */
  public ProbeOptions applyTo(ProbeOptions options) throws IOException, GeneralSecurityException {
    return options.withSslContext(sslContext());
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
