package dev.sesame.cli;

import dev.sesame.files.AtomicReplace;
import dev.sesame.rotate.EntryStatus;
import dev.sesame.vault.EntryStore;
import dev.sesame.vault.Label;
import dev.sesame.vault.VaultException;
import dev.sesame.vault.VaultIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = {"Print each entry's key age, pending rotation and last rotation as Prometheus metrics.",
        "The text format of node_exporter's textfile collector (scripts/systemd/sesame-metrics.*); never a secret.",
        "Reads the vault's clear index, so no key is needed; with --store, each store entry's metadata",
        "(an entry created in the last few minutes may be missing: Secrets Manager's list lags)."})
final class MetricsCommand implements Callable<Integer> {
  private final Invocation io;

  MetricsCommand(Invocation io) {
    this.io = io;
  }

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write FILE atomically (a temporary file beside it, fsync, rename; mode 0644) instead of "
          + "stdout, e.g. /var/lib/prometheus/node-exporter/sesame.prom.")
  Path out;

  @Mixin
  EntryStoreOptions entries;

  /** One entry's figures. */
  record Sample(String entry, Instant currentCreatedAt, boolean rotationPending, Optional<Instant> lastRotation) {}

  @Override
  public Integer call() throws Exception {
    List<Sample> samples = entries.inStore() ? fromStore() : fromVault();
    String text = PrometheusText.of(samples, Instant.now());
    if (out == null) {
      io.out().print(text);
      io.out().flush();
    } else {
      writeAtomically(out, text);
    }
    return ExitCode.OK;
  }

  /** The vault's clear index, read without a key (so not through the entry store, which unlocks). */
  private List<Sample> fromVault() throws Exception {
    Path vault = entries.vault.vault;
    if (vault == null || vault.toString().isEmpty()) {
      throw new UserError(ExitCode.USAGE, "no vault given: use --vault FILE or set SESAME_VAULT (or --store sm://PREFIX)");
    }
    VaultIndex index;
    try {
      index = VaultIndex.read(vault);
    } catch (VaultException.NotFound e) {
      throw new UserError(ExitCode.NOT_FOUND, "vault " + vault + " does not exist (--vault or SESAME_VAULT)");
    } catch (VaultException | RuntimeException e) {
      throw new UserError(ExitCode.WRONG_KEY, "cannot read the index of " + vault + ": not a readable sesame vault");
    }
    List<Sample> samples = new ArrayList<>();
    for (VaultIndex.Entry entry : index.entries()) {
      Optional<VaultIndex.Version> current = entry.labelled(Label.CURRENT);
      if (current.isEmpty()) {
        continue;
      }
      EntryStatus.Progress progress = EntryStatus.progressOf(entry.state());
      boolean pending = progress.inProgress() || entry.labelled(Label.PENDING).isPresent();
      samples.add(new Sample(entry.name(), current.get().createdAt(), pending, progress.lastFinishedAt()));
    }
    return samples;
  }

  private List<Sample> fromStore() throws Exception {
    List<Sample> samples = new ArrayList<>();
    try (EntryStore store = entries.open()) {
      for (String entry : store.list()) {
        EntryStore.Labelled read = store.labelled(entry);
        EntryStatus.Progress progress = EntryStatus.progressOf(read.state());
        boolean pending = progress.inProgress()
            || read.versions().stream().anyMatch(v -> v.labels().contains(Label.PENDING));
        samples.add(new Sample(entry, read.versions().get(0).createdAt(), pending, progress.lastFinishedAt()));
      }
    }
    return samples;
  }

  /** node_exporter may read at any moment: it must see the old file or the new one, never half. */
  private static void writeAtomically(Path file, String text) throws IOException, UserError {
    Path folder = file.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new UserError(ExitCode.NOT_FOUND, "--out: folder " + folder + " does not exist");
    }
    // The candidate's name ends .sesame-tmp, not .prom: the textfile collector reads only *.prom.
    AtomicReplace.replace(file, text.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
  }
}
