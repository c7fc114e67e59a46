package dev.sesame.vault;

import dev.sesame.crypto.Hkdf;
import dev.sesame.crypto.Randomness;
import dev.sesame.crypto.Wipe;
import dev.sesame.files.FileRefusedException;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A file of 32 random bytes. The key-encryption key is derived from it with HKDF, bound to the
 * vault id, so the same key file used for two vaults yields unrelated wrapping keys.
 */
public final class KeyFileKeySource implements KeySource {
  public static final String TYPE = "key-file";
  public static final int KEY_BYTES = 32;

  private final Path path;
  private final byte[] keyMaterial;

  private KeyFileKeySource(Path path, byte[] keyMaterial) {
    this.path = path;
    this.keyMaterial = keyMaterial;
  }

  /** Reads a key file, refusing one that group or other may read or write, or that is not a regular file. */
  public static KeyFileKeySource load(Path path) throws VaultException {
    try {
      byte[] material = RegularFiles.read(path, "key file", KEY_BYTES, true,
          RegularFiles.ownerOnly(path, "key file"));
      if (material.length != KEY_BYTES) {
        Wipe.bytes(material);
        throw new VaultException("key file " + path + " must hold exactly " + KEY_BYTES + " bytes");
      }
      return new KeyFileKeySource(path, material);
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound("key file " + path + " does not exist");
    } catch (FileRefusedException e) {
      if (e.reason() == FileRefusedException.Reason.TOO_LARGE) {
        throw new VaultException("key file " + path + " must hold exactly " + KEY_BYTES + " bytes");
      }
      throw new VaultException(e.getMessage(), e);
    } catch (IOException e) {
      throw new VaultException("cannot read key file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates a new key file with mode 0600 from birth (the mode is set by the create call itself,
   * never by a chmod after the bytes are written), or loads it if it already exists.
   */
  public static KeyFileKeySource createOrLoad(Path path) throws VaultException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return load(path);
    }
    byte[] material = Randomness.bytes(KEY_BYTES);
    try (SeekableByteChannel channel = RegularFiles.openForWriting(path, "key file",
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.DSYNC),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      channel.write(ByteBuffer.wrap(material));
    } catch (FileAlreadyExistsException raced) {
      Wipe.bytes(material);
      return load(path);
    } catch (IOException e) {
      Wipe.bytes(material);
      throw new VaultException("cannot create key file " + path + ": " + e.getMessage(), e);
    }
    return new KeyFileKeySource(path, material);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String describe() {
    return "key file " + path;
  }

  @Override
  public KeySlot wrap(String vaultId, byte[] dataKey) {
    byte[] kek = kek(vaultId);
    try {
      return SlotCipher.wrap(kek, vaultId, TYPE, Map.of(), dataKey);
    } finally {
      Wipe.bytes(kek);
    }
  }

  @Override
  public Optional<byte[]> unwrap(String vaultId, KeySlot slot) {
    byte[] kek = kek(vaultId);
    try {
      return SlotCipher.unwrap(kek, vaultId, slot);
    } finally {
      Wipe.bytes(kek);
    }
  }

  private byte[] kek(String vaultId) {
    return Hkdf.sha256(keyMaterial, vaultId.getBytes(StandardCharsets.US_ASCII),
        WrapDomain.of(vaultId).kekInfo(TYPE), 32);
  }

  public void destroy() {
    Wipe.bytes(keyMaterial);
  }
}
