package dev.sesame.vault;

import static dev.sesame.vault.VaultFixtures.keyFile;
import static dev.sesame.vault.VaultFixtures.ses;
import static dev.sesame.vault.VaultFixtures.smtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vault file changed by anyone without the key is refused, or reads back exactly as before:
 * never a different plaintext, label or set of entries.
 */
class VaultTamperTest {
  @TempDir
  Path dir;
  private Path vault;
  private List<KeySource> key;
  private byte[] original;
  private Map<String, String> originalView;

  @BeforeEach
  void smallVault() throws Exception {
    vault = dir.resolve("vault.json");
    key = List.of(keyFile(dir, "key"));
    Vault.create(vault, key, 5);
    Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("prod", ses("AKIA1", "s1")));
    Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("prod", ses("AKIA2", "s2")));
    Vault.update(vault, key, Duration.ofSeconds(5), v -> v.put("relay", smtp("pw")));
    original = Files.readAllBytes(vault);
    originalView = view();
    assertThat(view(original)).isEqualTo(originalView);
  }

  /** Everything a reader can see in the vault file: entries, versions, labels, times, and every plaintext. */
  private Map<String, String> view() throws VaultException {
    return view(Vault.open(vault, key));
  }

  /**
   * The same view of CONTENT opened as if read from the vault file. The byte-by-byte loops hand
   * the bytes over directly: writing each of ~12,000 variants to disk and reading it back tested
   * the file system, not the reader, and cost most of this class's time (reading a vault file is
   * covered by the other tests here).
   */
  private Map<String, String> view(byte[] content) throws VaultException {
    return view(Vault.openContent(vault, content, key));
  }

  private static Map<String, String> view(Vault vaultToView) throws VaultException {
    Map<String, String> view = new LinkedHashMap<>();
    try (Vault opened = vaultToView) {
      view.put("slots", opened.keySlots().toString());
      view.put("max", Integer.toString(opened.maxVersions()));
      for (EntryInfo entry : opened.entries()) {
        for (VersionInfo version : entry.versions()) {
          view.put(entry.name() + "/" + version.version(), version + " "
              + opened.get(entry.name(), version.version()).allFields());
        }
      }
    }
    return view;
  }

  @Test
  void everySingleByteChangeIsRefusedOrReadsBackTheSame() throws Exception {
    int refused = 0;
    int harmless = 0;
    for (int offset = 0; offset < original.length; offset++) {
      for (int mask : new int[] {0x01, 0x20, 0x80, 0x2A, 0x03}) {
        byte[] tampered = original.clone();
        tampered[offset] ^= (byte) mask;
        Map<String, String> seen;
        try {
          seen = view(tampered);
        } catch (VaultException expected) {
          assertThat(expected).isInstanceOfAny(VaultException.Corrupt.class, VaultException.WrongKey.class);
          refused++;
          continue;
        }
        assertThat(seen).as("view after flipping 0x%02x at offset %d (%s)", mask, offset,
            describe(original, offset)).isEqualTo(originalView);
        assertThat(isInsignificantWhitespace(original[offset], tampered[offset]))
            .as("a change that still reads back must only touch whitespace, offset %d", offset).isTrue();
        harmless++;
      }
    }
    System.out.printf("tamper: %d bytes x 5 flips: %d refused, %d whitespace-only%n", original.length, refused, harmless);
    assertThat(refused).isGreaterThan(original.length);
  }

  @Test
  void everyTruncationIsRefused() throws Exception {
    for (int length = 0; length < original.length - 1; length++) {
      byte[] truncated = Arrays.copyOf(original, length);
      assertThatThrownBy(() -> view(truncated)).as("truncated to %d bytes", length).isInstanceOf(VaultException.class);
    }
  }

  @Test
  void ciphertextsSwappedBetweenEntriesAreRefused() throws Exception {
    VaultDocument doc = VaultCodec.read(original);
    StoredVersion prod = doc.entries.get("prod").get(1);
    StoredVersion relay = doc.entries.get("relay").get(0);
    doc.entries.get("prod").set(1, prod.withSealed(relay.sealed()));
    doc.entries.get("relay").set(0, relay.withSealed(prod.sealed()));
    assertRefusedEvenWithValidMac(doc);
  }

  @Test
  void ciphertextsSwappedBetweenVersionsAreRefused() throws Exception {
    VaultDocument doc = VaultCodec.read(original);
    List<StoredVersion> versions = doc.entries.get("prod");
    byte[] first = versions.get(0).sealed();
    versions.set(0, versions.get(0).withSealed(versions.get(1).sealed()));
    versions.set(1, versions.get(1).withSealed(first));
    assertRefusedEvenWithValidMac(doc);
  }

  @Test
  void aRenamedEntryIsRefused() throws Exception {
    VaultDocument doc = VaultCodec.read(original);
    doc.entries.put("relay2", doc.entries.remove("relay"));
    assertRefusedEvenWithValidMac(doc);
  }

  @Test
  void aRelabelledVersionIsRefused() throws Exception {
    VaultDocument doc = VaultCodec.read(original);
    List<StoredVersion> versions = doc.entries.get("prod");
    versions.set(0, versions.get(0).withLabels(Set.of(Label.CURRENT)));
    versions.set(1, versions.get(1).withLabels(Set.of(Label.PREVIOUS)));
    write(doc);
    assertThatThrownBy(this::view).isInstanceOf(VaultException.Corrupt.class).hasMessageContaining("index");
  }

  @Test
  void aDroppedEntryIsRefused() throws Exception {
    VaultDocument doc = VaultCodec.read(original);
    doc.entries.remove("relay");
    write(doc);
    assertThatThrownBy(this::view).isInstanceOf(VaultException.Corrupt.class);
  }

  @Test
  void aDroppedVersionIsRefused() throws Exception {
    VaultDocument doc = VaultCodec.read(original);
    doc.entries.get("prod").remove(0);
    write(doc);
    assertThatThrownBy(this::view).isInstanceOf(VaultException.Corrupt.class);
  }

  @Test
  void anEntryCopiedFromAnotherVaultIsRefused() throws Exception {
    Path other = dir.resolve("other.json");
    Vault.create(other, key, 5);
    Vault.update(other, key, Duration.ofSeconds(5), v -> v.put("relay", smtp("evil")));
    VaultDocument foreign = VaultCodec.read(Files.readAllBytes(other));
    VaultDocument doc = VaultCodec.read(original);
    doc.entries.put("relay", foreign.entries.get("relay"));
    assertRefusedEvenWithValidMac(doc);
  }

  @Test
  void garbageAndEmptyFilesAreRefusedAsDamaged() throws Exception {
    for (String content : List.of("", "{}", "[]", "null", "not json", "{\"format\":\"sesame-vault/2\"}")) {
      Files.writeString(vault, content);
      assertThatThrownBy(this::view).as(content).isInstanceOf(VaultException.Corrupt.class);
    }
  }

  /**
   * Even an attacker who could recompute the index MAC (here: the test, with the key) cannot make
   * a moved ciphertext decrypt: associated data binds it to vault, name and version.
   */
  private void assertRefusedEvenWithValidMac(VaultDocument doc) throws Exception {
    write(doc);
    assertThatThrownBy(this::view).isInstanceOf(VaultException.Corrupt.class);
    // Re-MAC with the real key, as someone holding the key but not going through Vault would.
    byte[] dataKey = key.get(0).unwrap(doc.vaultId, doc.slots.get(0)).orElseThrow();
    byte[] macKey = dev.sesame.crypto.Hkdf.sha256(dataKey, doc.vaultId.getBytes(StandardCharsets.UTF_8),
        "sesame-vault/1 index mac".getBytes(StandardCharsets.UTF_8), 32);
    doc.mac = dev.sesame.crypto.Hmac.sha256(macKey, doc.canonicalIndex());
    Files.write(vault, VaultCodec.write(doc));
    assertThatThrownBy(this::view).isInstanceOf(VaultException.Corrupt.class).hasMessageContaining("does not decrypt");
  }

  private void write(VaultDocument doc) throws Exception {
    Files.write(vault, VaultCodec.write(doc));
  }

  private static boolean isInsignificantWhitespace(byte before, byte after) {
    List<Byte> whitespace = new ArrayList<>(List.of((byte) ' ', (byte) '\n', (byte) '\r', (byte) '\t'));
    return whitespace.contains(before) && whitespace.contains(after);
  }

  private static String describe(byte[] bytes, int offset) {
    int from = Math.max(0, offset - 10);
    int to = Math.min(bytes.length, offset + 10);
    return new String(bytes, from, to - from, StandardCharsets.UTF_8).replace("\n", "\\n");
  }
}
