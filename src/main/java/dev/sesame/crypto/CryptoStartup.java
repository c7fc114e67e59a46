package dev.sesame.crypto;

import org.bouncycastle.crypto.CryptoServicesRegistrar;

/**
 * Runs Bouncy Castle's one slow initialisation on a background thread, for short CLI calls.
 *
 * <p>Every lightweight engine and digest ({@code AESEngine}, {@code SHA256Digest}) checks
 * {@link CryptoServicesRegistrar}, whose static initialiser creates a java.util.logging logger:
 * LogManager set-up, the security properties file, and a ServiceLoader scan of the class path for
 * a logger finder, which opens the 26 MB jar. That is 25-35 ms of a `get` on a 2-core machine, and
 * no AES engine of Bouncy Castle 1.87 skips it. Started first, it overlaps the reading and parsing
 * of the key and vault files; if the vault gets to its first HKDF before it is done, the JVM's
 * class-initialisation lock simply makes it wait.
 */
public final class CryptoStartup {
  private CryptoStartup() {}

  /** Starts the initialisation on a daemon thread and returns at once; harmless if repeated. */
  public static void beginInBackground() {
    Thread thread = new Thread(new Runnable() {
      @Override
      public void run() {
        try {
          CryptoServicesRegistrar.getServicesConstraints();
        } catch (Throwable ignored) {
          // Nothing to report from here: the first real use fails the same way, on the caller's
          // thread, where the CLI turns it into its one-line error.
        }
      }
    }, "sesame-crypto-startup");
    thread.setDaemon(true);
    thread.start();
  }
}
