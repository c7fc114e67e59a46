package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultEntryStore;
import dev.sesame.vault.VersionInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List entries with their versions, labels and ages. Never prints a secret.",
        "With --key-slots, list the key sources that open the vault instead."})
final class ListCommand implements Callable<Integer> {
  enum Output { table, json }

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  Output output;

  @Option(names = "--key-slots", description = "List key slots (id, type, KDF parameters).")
  boolean keySlots;

  @Mixin
  EntryStoreOptions entries;

  @Override
  public Integer call() throws Exception {
    try (EntryStore store = entries.openToRead()) {
      if (!(store instanceof VaultEntryStore file)) {
        // A store's entries by name only: versions and ages would cost a call per entry.
        for (String entry : store.list()) {
          Console.OUT.println(entry);
        }
        return ExitCode.OK;
      }
      // The vault's clear index has every version, label and age at no further cost, and its key slots.
      Vault opened = file.opened();
      Instant now = Instant.now();
      if (keySlots) {
        printSlots(opened);
      } else if (output == Output.json) {
        Console.OUT.println(json(opened.entries()));
      } else {
        printTable(opened.entries(), now);
      }
    }
    return ExitCode.OK;
  }

  private void printSlots(Vault opened) {
    for (KeySlot slot : opened.keySlots()) {
      List<String> params = new ArrayList<>();
      slot.params().forEach((name, value) -> {
        if (!name.equals("salt")) {
          params.add(name + "=" + value);
        }
      });
      String opened_ = slot.id().equals(opened.openedSlotId()) ? "  (used now)" : "";
      Console.OUT.println(slot.id() + "  " + slot.type() + "  " + String.join(" ", params) + opened_);
    }
  }

  private static void printTable(List<EntryInfo> entries, Instant now) {
    String format = "%-24s %-5s %7s  %-18s %s%n";
    Console.OUT.printf(format, "NAME", "TYPE", "VERSION", "LABELS", "AGE");
    for (EntryInfo entry : entries) {
      for (VersionInfo version : entry.versions()) {
        Console.OUT.printf(format, entry.name(), version.type().wireName(), version.version(),
            labels(version).isEmpty() ? "-" : String.join(",", labels(version)),
            Ages.since(version.createdAt(), now));
      }
    }
  }

  private static List<String> labels(VersionInfo version) {
    List<String> names = new ArrayList<>();
    for (Label label : Label.values()) {
      if (version.labels().contains(label)) {
        names.add(label.wireName());
      }
    }
    return names;
  }

  private static String json(List<EntryInfo> entries) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeArrayFieldStart("entries");
      for (EntryInfo entry : entries) {
        json.writeStartObject();
        json.writeStringField("name", entry.name());
        json.writeArrayFieldStart("versions");
        for (VersionInfo version : entry.versions()) {
          json.writeStartObject();
          json.writeNumberField("version", version.version());
          json.writeStringField("type", version.type().wireName());
          json.writeStringField("created_at", version.createdAt().toString());
          json.writeArrayFieldStart("labels");
          for (String label : labels(version)) {
            json.writeString(label);
          }
          json.writeEndArray();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.toString();
  }
}
