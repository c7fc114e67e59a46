package dev.sesame.vault;

import java.util.List;
import java.util.Optional;

/** An entry's name and the index data of its versions, oldest first. No secrets. */
public record EntryInfo(String name, List<VersionInfo> versions) {
  public EntryInfo {
    versions = List.copyOf(versions);
  }

  public Optional<VersionInfo> labelled(Label label) {
    return versions.stream().filter(v -> v.labels().contains(label)).findFirst();
  }
}
