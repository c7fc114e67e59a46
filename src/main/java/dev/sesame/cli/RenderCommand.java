package dev.sesame.cli;

import dev.sesame.render.EntryStoreFieldSource;
import dev.sesame.render.FieldSource;
import dev.sesame.render.Format;
import dev.sesame.render.RenderException;
import dev.sesame.render.RenderReport;
import dev.sesame.render.Renderer;
import dev.sesame.render.Target;
import dev.sesame.render.TargetsFile;
import dev.sesame.vault.EntryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Fill mail-server config templates from the vault, validated and swapped in atomically.",
        "One target from options, or a set from a TOML targets file (docs/rendering.md): every target is",
        "rendered and checked first, then all are swapped, each distinct restart runs once, then health",
        "checks; any failure restores every file and restarts again. Unchanged files: nothing runs.",
        "CMDs run under /bin/sh -c; in --check, {} stands for the candidate file."})
final class RenderCommand implements Callable<Integer> {
  private final Invocation io;

  RenderCommand(Invocation io) {
    this.io = io;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {
    @Option(names = "--targets", paramLabel = "FILE", description = "TOML file of [[target]] tables.")
    Path targetsFile;

    @ArgGroup(exclusive = false)
    One one;
  }

  static final class One {
    @Option(names = "--entry", required = true, paramLabel = "NAME", description = "Entry for the template's $${field} placeholders ($${NAME.field} names any other entry).")
    String entry;

    @Option(names = "--template", required = true, paramLabel = "FILE",
        description = "Template file (templates/ holds one per mail server; docs/rendering.md).")
    Path template;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
        completionCandidates = CompletionValues.Formats.class,
        description = "How values are escaped: ${COMPLETION-CANDIDATES}.")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Target file (not with --stdout).")
    Path out;

    @Option(names = "--stdout", description = "Print the rendered text instead of writing a file (pipelines).")
    boolean stdout;

    @Option(names = "--mode", paramLabel = "OCTAL", description = "Four octal digits, like 0640 (default: the existing file's mode, or 0600 for a new file).")
    String mode;

    @Option(names = "--owner", paramLabel = "USER",
        description = "Owner of the written file (default: the existing file's owner, or the caller).")
    String owner;

    @Option(names = "--group", paramLabel = "GROUP",
        description = "Group of the written file, e.g. Debian-exim (default: the existing file's group).")
    String group;

    @Option(names = "--check", paramLabel = "CMD", description = "Validate the candidate, e.g. 'exim -bV -C {}'.")
    String check;

    @Option(names = "--restart", paramLabel = "CMD", description = "Run after the swap, e.g. 'systemctl reload exim4'.")
    String restart;

    @Option(names = "--health", paramLabel = "CMD", description = "Run after the restart; failure rolls back.")
    String health;

    @Option(names = "--follow-symlinks", description = "Write through a symlink at the target path.")
    boolean followSymlinks;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "file",
        completionCandidates = CompletionValues.Kinds.class,
        description = "${COMPLETION-CANDIDATES}: file is the whole file (default); cpanel-exim-local"
            + " keeps Sesame's blocks inside /etc/exim.conf.local, one per @SECTION@ of the template.")
    String kind;
  }

  @Option(names = "--dry-run",
      description = "Print a unified diff per changed target on stdout, secrets shown as ********; write and run nothing.")
  boolean dryRun;

  @Option(names = "--exit-code",
      description = "With --dry-run: exit 9 when something would change, 0 when nothing would (as git diff --exit-code).")
  boolean exitCode;

  @Mixin
  OutputOption output;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:SESAME_STATE_DIR}",
      description = {"Where the render-set journal and this host's render lock live: a set killed half-way is",
          "completed by the next run (default: $SESAME_STATE_DIR, else /var/lib/sesame as root, else",
          "~/.local/state/sesame)."})
  Path stateDir;

  @Option(names = "--allow-insecure-folder",
      description = "Write even where a folder on the target's path is writable by others (no sticky bit) "
          + "or owned by a user other than root or you.")
  boolean allowInsecureFolder;

  @Mixin
  EntryStoreOptions entries;

  @Override
  public Integer call() throws Exception {
    if (exitCode && !dryRun) {
      throw new UserError(ExitCode.USAGE, "--exit-code goes with --dry-run");
    }
    if (output.json() && what.one != null && what.one.stdout) {
      throw new UserError(ExitCode.USAGE, "--stdout prints the rendered file itself; it takes no --output json");
    }
    try {
      return renderAll();
    } catch (Exception failure) {
      output.printFailure(failure);
      throw failure;
    }
  }

  private int renderAll() throws Exception {
    List<Target> targets = what.targetsFile != null
        ? TargetsFile.read(InputFiles.existing("--targets", what.targetsFile))
        : List.of(single(what.one));
    try (EntryStore store = entries.openToRead()) {
      return render(targets, new EntryStoreFieldSource(store));
    } catch (EntryStoreFieldSource.Unreadable e) {
      throw e.vaultException();
    }
  }

  private int render(List<Target> targets, FieldSource fields) throws Exception {
    if (what.one != null && what.one.stdout) {
      io.out().print(new Renderer().renderToString(targets.get(0), fields));
      io.out().flush();
      return ExitCode.OK;
    }
    RenderReport report = renderer(StateDirOptions.stateDirectory(stateDir), entries.vault.lockTimeoutSeconds,
        allowInsecureFolder).apply(targets, fields, dryRun, io.err());
    if (!report.anyChanged()) {
      io.err().println("nothing to change");
    }
    if (output.json()) {
      output.printSuccess(json -> writeReport(json, report));
    } else if (dryRun) {
      for (RenderReport.Outcome outcome : report.targets()) {
        outcome.maskedDiff().ifPresent(io.out()::print);
      }
      io.out().flush();
    }
    return dryRun && exitCode && report.anyChanged() ? ExitCode.CHANGES_PENDING : ExitCode.OK;
  }

  private static void writeReport(com.fasterxml.jackson.core.JsonGenerator json, RenderReport report)
      throws java.io.IOException {
    json.writeBooleanField("dry_run", report.dryRun());
    json.writeBooleanField("changed", report.anyChanged());
    json.writeArrayFieldStart("targets");
    for (RenderReport.Outcome outcome : report.targets()) {
      json.writeStartObject();
      json.writeStringField("entry", outcome.target().entry());
      json.writeStringField("out", outcome.out().toString());
      json.writeStringField("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
      if (outcome.maskedDiff().isPresent()) {
        json.writeStringField("diff", outcome.maskedDiff().get());
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    OutputOption.strings(json, "restarts_run", report.restartsRun());
    OutputOption.strings(json, "health_checks_run", report.healthChecksRun());
  }

  /** The renderer the CLI uses: with the set journal in STATE_DIR and the host's render lock. */
  static Renderer renderer(Path stateDir, int lockTimeoutSeconds, boolean allowInsecureFolder) {
    Renderer renderer = new Renderer().withStateDir(stateDir).withLockTimeout(Duration.ofSeconds(lockTimeoutSeconds));
    return allowInsecureFolder ? renderer.allowingInsecureFolders() : renderer;
  }

  private static Target single(One one) throws UserError {
    if (one.stdout == (one.out != null)) {
      throw new UserError(ExitCode.USAGE, "give exactly one of --out FILE and --stdout");
    }
    Format format = Format.parse(one.format);
    Path out = one.out != null ? one.out : Path.of("/dev/stdout");
    Target target = new Target(one.entry, InputFiles.existing("--template", one.template), out, format, Optional.ofNullable(one.mode).map(RenderCommand::octal),
        Optional.ofNullable(one.owner), Optional.ofNullable(one.group), Optional.ofNullable(one.check),
        Optional.ofNullable(one.restart), Optional.ofNullable(one.health), one.followSymlinks,
        Target.Kind.named(one.kind).orElseThrow(() -> new UserError(ExitCode.USAGE,
            "--kind must be file or cpanel-exim-local")));
    return target;
  }

  private static int octal(String mode) {
    if (!mode.matches("0[0-7]{3}")) {
      throw new IllegalArgumentException("--mode must be four octal digits, like 0640");
    }
    return Integer.parseInt(mode, 8);
  }
}
