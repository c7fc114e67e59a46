package dev.sesame.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sesame.vault.EntryInfo;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.EntryVersion;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.Label;
import dev.sesame.vault.Vault;
import dev.sesame.vault.VaultEntryStore;
import dev.sesame.vault.VersionInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List entries with their versions, labels and ages. Never prints a secret.",
        "With --key-slots, list the key sources that open the vault instead. With --store, the table is the",
        "entry names only (no value is read); --output json reads each entry's labelled versions.",
        "Secrets Manager's list lags: an entry created in the last few minutes may be missing (get, render",
        "and status find it by name at once)."})
final class ListCommand implements Callable<Integer> {
  private final Invocation io;

  ListCommand(Invocation io) {
    this.io = io;
  }


  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  TableFormat output;

  @Option(names = "--key-slots", description = "List key slots (id, type, KDF parameters).")
  boolean keySlots;

  @Mixin
  EntryStoreOptions entries;

  @Override
  public Integer call() throws Exception {
    try (EntryStore store = entries.openToRead()) {
      if (!(store instanceof VaultEntryStore file)) {
        if (output == TableFormat.json) {
          // The same JSON as a vault's: each version's type and age are inside its value, so read them.
          List<Listed> listed = new ArrayList<>();
          for (String entry : store.list()) {
            listed.add(new Listed(entry, store.versions(entry).stream().map(Row::of)
                .sorted(Comparator.comparing(Row::createdAt).thenComparing(Row::labelOrder)).toList()));
          }
          io.out().println(json(listed));
          return ExitCode.OK;
        }
        // A store's entries by name only: versions and ages would cost a call per entry.
        for (String entry : store.list()) {
          io.out().println(entry);
        }
        return ExitCode.OK;
      }
      // The vault's clear index has every version, label and age at no further cost, and its key slots.
      Vault opened = file.opened();
      Instant now = Instant.now();
      if (keySlots) {
        printSlots(opened);
      } else if (output == TableFormat.json) {
        io.out().println(json(opened.entries().stream()
            .map(e -> new Listed(e.name(), e.versions().stream().map(Row::of).toList())).toList()));
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
      io.out().println(slot.id() + "  " + slot.type() + "  " + String.join(" ", params) + opened_);
    }
  }

  private void printTable(List<EntryInfo> entries, Instant now) {
    String format = "%-24s %-5s %7s  %-18s %s%n";
    io.out().printf(format, "NAME", "TYPE", "VERSION", "LABELS", "AGE");
    for (EntryInfo entry : entries) {
      for (VersionInfo version : entry.versions()) {
        io.out().printf(format, entry.name(), version.type().wireName(), version.version(),
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

  /** One entry as `list --output json` shows it, from the vault's index or the store. */
  private record Listed(String name, List<Row> versions) {}

  /** One version: a vault version has a number (its id); a store version only Secrets Manager's id. */
  private record Row(OptionalInt number, String id, EntryType type, Instant createdAt, Set<Label> labels) {
    static Row of(VersionInfo version) {
      return new Row(OptionalInt.of(version.version()), Integer.toString(version.version()), version.type(),
          version.createdAt(), version.labels());
    }

    /** Versions made in the same second: previous before current before pending, as a vault numbers them. */
    int labelOrder() {
      return labels.contains(Label.PENDING) ? 3 : labels.contains(Label.CURRENT) ? 2
          : labels.contains(Label.PREVIOUS) ? 1 : 0;
    }

    static Row of(EntryVersion version) {
      return new Row(version.number(), version.id(), version.credential().type(), version.createdAt(),
          version.labels());
    }
  }

  private static String json(List<Listed> entries) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeArrayFieldStart("entries");
      for (Listed entry : entries) {
        json.writeStartObject();
        json.writeStringField("name", entry.name());
        json.writeArrayFieldStart("versions");
        for (Row version : entry.versions()) {
          json.writeStartObject();
          if (version.number().isPresent()) {
            json.writeNumberField("version", version.number().getAsInt());
          } else {
            json.writeNullField("version");
          }
          json.writeStringField("version_id", version.id());
          json.writeStringField("type", version.type().wireName());
          json.writeStringField("created_at", version.createdAt().toString());
          json.writeArrayFieldStart("labels");
          for (Label label : Label.values()) {
            if (version.labels().contains(label)) {
              json.writeString(label.wireName());
            }
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
