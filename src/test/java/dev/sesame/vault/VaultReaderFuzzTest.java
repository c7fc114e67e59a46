package dev.sesame.vault;

import static dev.sesame.vault.VaultFixtures.keyFile;
import static dev.sesame.vault.VaultFixtures.passphrase;
import static dev.sesame.vault.VaultFixtures.ses;
import static dev.sesame.vault.VaultFixtures.smtp;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer for the vault reader. Each round applies one to four random mutations
 * (bit flips, random bytes, insertions, deletions, truncation, duplicated or swapped lines and
 * chunks, JSON-aware edits of numbers, quotes and escapes) to a small but complete vault (two
 * entries, several versions, labels, entry state, a key-file slot and a passphrase slot) and
 * opens it with the key. The only acceptable outcomes: refused as damaged or wrong key (exit 3
 * in the CLI), or opened with exactly the original entries, labels, state and plaintexts (the
 * mutation only touched whitespace). Any other exception, a different plaintext, or a round
 * slower than {@link #SLOW_ROUND_MILLIS} fails the test with the seed and round to replay it.
 *
 * <p>CI runs 10^4 rounds; scripts/fuzz-vault runs 10^6 (or any count and seed) through the
 * system properties {@code sesame.fuzz.rounds} and {@code sesame.fuzz.seed}.
 */
class VaultReaderFuzzTest {
  private static final long SLOW_ROUND_MILLIS = 5_000;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 6, unit = TimeUnit.HOURS)
  void mutatedVaultsAreRefusedCleanlyOrReadBackUnchanged() throws Exception {
    int rounds = Integer.getInteger("sesame.fuzz.rounds", 10_000);
    long seed = Long.getLong("sesame.fuzz.seed", 20261130L);
    Path vault = dir.resolve("vault.json");
    List<KeySource> key = List.of(keyFile(dir, "key"));
    Vault.create(vault, List.of(key.get(0), passphrase("recovery words")), 3);
    Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("prod", ses("AKIAFUZZ000000000001", "s1")));
    Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("prod", ses("AKIAFUZZ000000000002", "s2")));
    Vault.update(vault, key, Duration.ofSeconds(5), v -> {
      v.putPending("prod", ses("AKIAFUZZ000000000003", "s3"));
      v.setEntryState("prod", Map.of("step", "created", "token", "t-1"));
      return v.put("relay", smtp("pw/+= \u00e9"));
    });
    byte[] original = Files.readAllBytes(vault);
    Map<String, String> expected = view(Vault.openContent(vault, original, key));

    Random random = new Random(seed);
    Map<String, Integer> outcomes = new TreeMap<>();
    long slowest = 0;
    for (int round = 0; round < rounds; round++) {
      byte[] mutated = original.clone();
      int mutations = 1 + random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        mutated = mutate(mutated, random);
      }
      long start = System.nanoTime();
      String outcome;
      try {
        Map<String, String> seen = view(Vault.openContent(vault, mutated, key));
        assertThat(seen).as("round %d of seed %d opened with a different content:%n%s", round, seed,
            new String(mutated, StandardCharsets.UTF_8)).isEqualTo(expected);
        outcome = "read back unchanged";
      } catch (VaultException.Corrupt | VaultException.WrongKey refused) {
        outcome = "refused: " + refused.getClass().getSimpleName();
      } catch (Exception | Error other) {
        throw new AssertionError("round " + round + " of seed " + seed + " failed with "
            + other.getClass().getName() + " instead of a clean refusal; input:\n"
            + new String(mutated, StandardCharsets.UTF_8), other);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      slowest = Math.max(slowest, millis);
      assertThat(millis).as("round %d of seed %d took %d ms", round, seed, millis).isLessThan(SLOW_ROUND_MILLIS);
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("vault reader fuzz: " + rounds + " rounds, seed " + seed + ", " + outcomes
        + ", slowest round " + slowest + " ms");
    assertThat(outcomes.keySet()).anyMatch(o -> o.startsWith("refused"));
  }

  /** Entries, versions, labels, times, state and every plaintext: all a reader can learn. */
  private static Map<String, String> view(Vault opened) throws VaultException {
    try (opened) {
      Map<String, String> view = new LinkedHashMap<>();
      view.put("id", opened.id());
      view.put("max", Integer.toString(opened.maxVersions()));
      view.put("slots", opened.keySlots().toString());
      for (EntryInfo entry : opened.entries()) {
        view.put(entry.name() + "/state", new TreeMap<>(opened.entryState(entry.name())).toString());
        for (VersionInfo version : entry.versions()) {
          view.put(entry.name() + "/" + version.version(),
              version + " " + opened.get(entry.name(), version.version()).allFields());
        }
      }
      return view;
    }
  }

  private static final byte[][] TOKENS = {
      "\"".getBytes(StandardCharsets.UTF_8), "\\".getBytes(StandardCharsets.UTF_8), "\\u0000".getBytes(StandardCharsets.UTF_8),
      "{".getBytes(StandardCharsets.UTF_8), "}".getBytes(StandardCharsets.UTF_8), "[".getBytes(StandardCharsets.UTF_8),
      "]".getBytes(StandardCharsets.UTF_8), ",".getBytes(StandardCharsets.UTF_8), ":".getBytes(StandardCharsets.UTF_8),
      "null".getBytes(StandardCharsets.UTF_8), "true".getBytes(StandardCharsets.UTF_8), "-1".getBytes(StandardCharsets.UTF_8),
      "4294967296".getBytes(StandardCharsets.UTF_8), "1e9".getBytes(StandardCharsets.UTF_8), "0.5".getBytes(StandardCharsets.UTF_8),
      "\"m\" : \"4194304\"".getBytes(StandardCharsets.UTF_8), "\"labels\" : [ ]".getBytes(StandardCharsets.UTF_8),
      "\uFEFF".getBytes(StandardCharsets.UTF_8), " ".getBytes(StandardCharsets.UTF_8), "\n".getBytes(StandardCharsets.UTF_8),
      "\u00e9".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff}, new byte[] {0},
  };

  private static byte[] mutate(byte[] in, Random random) {
    if (in.length == 0) {
      return TOKENS[random.nextInt(TOKENS.length)].clone();
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(11)) {
      case 0: { // flip one bit
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
      }
      case 1: { // set a random byte
        byte[] out = in.clone();
        out[at] = (byte) random.nextInt(256);
        return out;
      }
      case 2: // delete a run
        return splice(in, at, Math.min(in.length, at + 1 + random.nextInt(16)), new byte[0]);
      case 3: // insert a token
        return splice(in, at, at, TOKENS[random.nextInt(TOKENS.length)]);
      case 4: // replace a run by a token
        return splice(in, at, Math.min(in.length, at + 1 + random.nextInt(8)), TOKENS[random.nextInt(TOKENS.length)]);
      case 5: // truncate
        return Arrays.copyOf(in, at);
      case 6: { // duplicate a chunk elsewhere
        int end = Math.min(in.length, at + 1 + random.nextInt(64));
        int where = random.nextInt(in.length + 1);
        return splice(in, where, where, Arrays.copyOfRange(in, at, end));
      }
      case 7: // duplicate, drop or swap whole lines (fields, in the pretty-printed file)
        return lines(in, random);
      case 8: { // change a digit
        for (int i = 0; i < in.length; i++) {
          int j = (at + i) % in.length;
          if (in[j] >= '0' && in[j] <= '9') {
            byte[] out = in.clone();
            out[j] = (byte) ('0' + random.nextInt(10));
            return out;
          }
        }
        return in;
      }
      case 9: { // swap two bytes
        byte[] out = in.clone();
        int other = random.nextInt(in.length);
        byte b = out[at];
        out[at] = out[other];
        out[other] = b;
        return out;
      }
      default: { // whitespace only: must read back unchanged
        byte[] out = in.clone();
        for (int i = 0; i < out.length; i++) {
          int j = (at + i) % out.length;
          if (out[j] == '\n' && j + 1 < out.length && out[j + 1] == ' ') {
            return splice(out, j + 1, j + 2, new byte[] {'\t', ' '});
          }
        }
        return out;
      }
    }
  }

  private static byte[] lines(byte[] in, Random random) {
    List<String> lines = new ArrayList<>(List.of(new String(in, StandardCharsets.ISO_8859_1).split("\n", -1)));
    int a = random.nextInt(lines.size());
    int b = random.nextInt(lines.size());
    switch (random.nextInt(3)) {
      case 0 -> lines.add(b, lines.get(a));
      case 1 -> lines.remove(a);
      default -> {
        String line = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, line);
      }
    }
    return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
    byte[] out = new byte[in.length - (to - from) + insert.length];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(in, to, out, from + insert.length, in.length - to);
    return out;
  }
}
