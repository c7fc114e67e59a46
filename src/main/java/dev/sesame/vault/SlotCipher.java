package dev.sesame.vault;

import dev.sesame.crypto.Aead;
import dev.sesame.crypto.Randomness;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** Wraps a data key under a local key-encryption key with AES-256-GCM, for local key sources. */
final class SlotCipher {
  private SlotCipher() {}

  static String newSlotId() {
    return "ks-" + HexFormat.of().formatHex(Randomness.bytes(4));
  }

  static KeySlot wrap(byte[] kek, String vaultId, String type, Map<String, String> params, byte[] dataKey) {
    KeySlot unsealed = new KeySlot(newSlotId(), type, params, new byte[0]);
    Aead aead = Aead.create(kek);
    try {
      byte[] wrapped = aead.encrypt(dataKey, unsealed.associatedData(vaultId));
      return new KeySlot(unsealed.id(), type, params, wrapped);
    } finally {
      aead.destroy();
    }
  }

  /** Empty when KEK is not the key this slot was wrapped with. */
  static Optional<byte[]> unwrap(byte[] kek, String vaultId, KeySlot slot) {
    Aead aead = Aead.create(kek);
    try {
      return Optional.of(aead.decrypt(slot.wrappedKey(), slot.associatedData(vaultId)));
    } catch (GeneralSecurityException wrongKey) {
      return Optional.empty();
    } finally {
      aead.destroy();
    }
  }
}
