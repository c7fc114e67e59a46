package dev.sesame.bench;

import dev.sesame.crypto.Argon2id;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * For scripts/bench: the passphrase unlock cost without JVM start-up. Derives a key at the
 * default Argon2id parameters (m=64 MiB, t=3, p=1) WARMUP times, then RUNS times, and prints the
 * median of the timed runs in milliseconds.
 */
public final class WarmDerive {
  private WarmDerive() {}

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    byte[] passphrase = "bench passphrase".getBytes(StandardCharsets.UTF_8);
    byte[] salt = new byte[16];
    for (int i = 0; i < warmup; i++) {
      Argon2id.derive(passphrase, salt, Argon2id.DEFAULT, 32);
    }
    long[] millis = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Argon2id.derive(passphrase, salt, Argon2id.DEFAULT, 32);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    System.out.println(millis[runs / 2]);
  }
}
