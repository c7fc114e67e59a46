package dev.sesame.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sesame.files.RegularFiles;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The clear part of a vault file (docs/vault-format.md): key slots with their public parameters,
 * entries with versions, labels, creation times and rotation state. Read without the key, so the
 * doctor can judge a vault it cannot open; the index MAC is verified only when a key is offered
 * (through {@code Vault.open}), which the doctor's entry facts require anyway.
 */
public record VaultIndex(List<Slot> slots, List<Entry> entries) {
  public record Slot(String id, String type, Map<String, String> params) {}

  public record Version(int version, String type, Instant createdAt, Set<String> labels) {}

  public record Entry(String name, List<Version> versions, Map<String, String> state) {
    public Optional<Version> labelled(String label) {
      return versions.stream().filter(v -> v.labels().contains(label)).findFirst();
    }
  }

  public static VaultIndex read(Path vault) throws IOException {
    JsonNode root = new ObjectMapper().readTree(
        RegularFiles.readNoFollow(VaultPaths.real(vault), "vault", Vault.MAX_FILE_BYTES));
    if (root == null || !"sesame-vault/1".equals(root.path("format").asText())) {
      throw new IOException(vault + " is not a sesame-vault/1 file");
    }
    List<Slot> slots = new ArrayList<>();
    for (JsonNode slot : root.path("key_slots")) {
      slots.add(new Slot(slot.path("id").asText(), slot.path("type").asText(), strings(slot.path("params"))));
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode entry : root.path("entries")) {
      List<Version> versions = new ArrayList<>();
      for (JsonNode v : entry.path("versions")) {
        Set<String> labels = new TreeSet<>();
        v.path("labels").forEach(l -> labels.add(l.asText()));
        versions.add(new Version(v.path("version").asInt(), v.path("type").asText(),
            Instant.parse(v.path("created_at").asText()), labels));
      }
      entries.add(new Entry(entry.path("name").asText(), List.copyOf(versions), strings(entry.path("state"))));
    }
    return new VaultIndex(List.copyOf(slots), List.copyOf(entries));
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    return out;
  }
}
