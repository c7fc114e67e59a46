package dev.sesame.vault;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.crypto.Sha256;
import java.io.ByteArrayOutputStream;
import dev.sesame.files.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Append-only JSON lines beside the vault ({@code VAULT.audit}, mode 0600): one record per
 * rotation step. Each line carries the SHA-256 of the previous line ("prev"), so an edited,
 * deleted or reordered line breaks the chain. Records never hold secrets; access key ids are
 * cut to their last four characters by {@link #keyHint}.
 */
public final class AuditLog {
  /** Years of daily rotations fit in a few megabytes; anything near this is not our log. */
  static final int MAX_LOG_BYTES = 512 * 1024 * 1024;

  private final Path file;
  private final Clock clock;

  /** One step: who did what to which entry and key, and how it went. */
  public record Entry(String actor, String entry, String step, String keyHint, String result, String detail) {}

  public AuditLog(Path vault, Clock clock) {
    Path real = VaultPaths.real(vault);
    this.file = real.resolveSibling(real.getFileName() + ".audit");
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  /** "…WXYZ": enough to tell keys apart in a log, not enough to be a username anywhere. */
  public static String keyHint(String accessKeyId) {
    if (accessKeyId == null || accessKeyId.isEmpty()) {
      return "";
    }
    return "…" + accessKeyId.substring(Math.max(0, accessKeyId.length() - 4));
  }

  /** Appends RECORD under the audit lock, chained to the current last line, and fsyncs. */
  public void append(Entry record) throws VaultException {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    try (VaultLock lock = VaultLock.acquireFile(lockFile, Duration.ofSeconds(30), "audit log " + file + " is busy")) {
      byte[] line = line(record, HexFormat.of().formatHex(Sha256.hash(lastLine())));
      try (FileChannel channel = RegularFiles.openForWriting(file, "audit log", Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE), VaultFiles.OWNER_ONLY)) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
    } catch (IOException e) {
      throw new VaultException("cannot append to audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /** The lines of the log, without their newlines. */
  public List<String> lines() throws IOException {
    byte[] content;
    try {
      content = RegularFiles.readNoFollow(file, "audit log", MAX_LOG_BYTES);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return new String(content, StandardCharsets.UTF_8).lines().toList();
  }

  private byte[] lastLine() throws IOException {
    List<String> lines = lines();
    return lines.isEmpty() ? new byte[0] : lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] line(Entry record, String previousHash) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = VaultCodec.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", clock.instant().toString());
      json.writeStringField("actor", record.actor());
      json.writeStringField("entry", record.entry());
      json.writeStringField("step", record.step());
      json.writeStringField("key", record.keyHint());
      json.writeStringField("result", record.result());
      json.writeStringField("detail", record.detail());
      json.writeStringField("prev", previousHash);
      json.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }
}
