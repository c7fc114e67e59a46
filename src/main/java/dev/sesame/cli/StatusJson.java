package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.rotate.EntryStatus;
import dev.sesame.vault.Credential;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The JSON fields `status`, `rotate` and `revoke` print with --output json; never a secret. */
final class StatusJson {
  private StatusJson() {}

  /** Versions, labels, ages, rotation bookkeeping and (unless offline) IAM's keys of STATUS. */
  static void write(JsonGenerator json, EntryStatus status, Instant now, boolean offline) throws IOException {
    json.writeStringField("entry", status.name());
    json.writeStringField("iam_user", status.iamUser());
    json.writeBooleanField("offline", offline);
    json.writeArrayFieldStart("versions");
    for (EntryStatus.VersionRow row : status.versions()) {
      json.writeStartObject();
      json.writeStringField("version", row.version());
      json.writeArrayFieldStart("labels");
      for (Label label : Label.values()) {
        if (row.labels().contains(label)) {
          json.writeString(label.wireName());
        }
      }
      json.writeEndArray();
      json.writeStringField("access_key_id", row.accessKeyId());
      json.writeStringField("created_at", row.createdAt().toString());
      json.writeNumberField("age_seconds", ageSeconds(row.createdAt(), now));
      json.writeEndObject();
    }
    json.writeEndArray();
    writeProgress(json, status.progress());
    if (!offline) {
      json.writeArrayFieldStart("iam_keys");
      for (EntryStatus.KeyRow row : status.iamKeys()) {
        json.writeStartObject();
        json.writeStringField("access_key_id", row.key().id());
        json.writeStringField("status", row.key().active() ? "Active" : "Inactive");
        json.writeStringField("created_at", row.key().created().toString());
        json.writeNumberField("age_seconds", ageSeconds(row.key().created(), now));
        if (row.lastUse().isPresent()) {
          json.writeStringField("last_used_at", row.lastUse().get().when().toString());
          json.writeStringField("last_used", row.lastUse().get().describe());
        } else {
          json.writeNullField("last_used_at");
        }
        json.writeStringField("label", row.label().map(Label::wireName).orElse(null));
        json.writeEndObject();
      }
      json.writeEndArray();
    }
  }

  /**
   * With --output json, prints the one result object of rotate, revoke or abort for NAME: ACTION,
   * OUTCOME, and the entry's state as STORAGE reads it back now.
   */
  static void printRotationResult(OutputOption output, EntryStore storage, String name, String action,
      String outcome) throws IOException {
    if (!output.json()) {
      return;
    }
    output.printSuccess(json -> {
      json.writeStringField("entry", name);
      json.writeStringField("action", action);
      json.writeStringField("outcome", outcome);
      try {
        writeAfterRotation(json, storage, name, Instant.now());
      } catch (VaultException e) {
        throw new IOException(e.getMessage(), e);
      }
    });
  }

  /** The entry as a rotation left it: its current key and bookkeeping, read back from STORAGE. */
  static void writeAfterRotation(JsonGenerator json, EntryStore storage, String name, Instant now)
      throws IOException, VaultException {
    EntryStore.Snapshot snapshot = storage.snapshot(name);
    json.writeObjectFieldStart("current");
    json.writeStringField("access_key_id", snapshot.current().credential().field(Credential.ACCESS_KEY_ID).orElse(""));
    json.writeStringField("created_at", snapshot.current().info().createdAt().toString());
    json.writeNumberField("age_seconds", ageSeconds(snapshot.current().info().createdAt(), now));
    json.writeEndObject();
    writeProgress(json, EntryStatus.progressOf(snapshot.state()));
  }

  private static void writeProgress(JsonGenerator json, EntryStatus.Progress progress) throws IOException {
    json.writeObjectFieldStart("rotation");
    json.writeBooleanField("in_progress", progress.inProgress());
    string(json, "token", progress.token());
    string(json, "mode", progress.mode());
    string(json, "step", progress.step());
    string(json, "started_at", progress.startedAt().map(Instant::toString));
    string(json, "last_finished_at", progress.lastFinishedAt().map(Instant::toString));
    json.writeEndObject();
    json.writeObjectFieldStart("retirement");
    string(json, "key", progress.retiringKey());
    string(json, "rotation_finished_at", progress.retireFinishedAt().map(Instant::toString));
    string(json, "deactivated_at", progress.retireDeactivatedAt().map(Instant::toString));
    OutputOption.strings(json, "revoked_keys_to_delete", progress.revokedToDelete());
    json.writeEndObject();
  }

  private static void string(JsonGenerator json, String name, Optional<String> value) throws IOException {
    json.writeStringField(name, value.orElse(null));
  }

  static long ageSeconds(Instant then, Instant now) {
    return Math.max(0, Duration.between(then, now).getSeconds());
  }
}
