package dev.sesame.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The `sesame` command without its verbs: its usage text and the options every verb shares.
 * {@link SesameCommand} adds the verbs; {@link CommandTree} builds a tree with one of them alone.
 */
@Command(name = "sesame",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps Amazon SES SMTP credentials sealed, rotates them, and renders them into mail-server config.",
    footer = {"", "Exit codes (the same table is in README.md):",
        "  0    ok",
        "  1    error",
        "  2    usage: a wrong option or argument, or input refused (nothing stored)",
        "  3    wrong key, or vault authentication failed",
        "  4    not found: vault, entry, label, field, or a file named by an option",
        "  5    locked by another writer, or conflict (e.g. a pending rotation)",
        "  6    check failed: rendered config rejected, nothing changed",
        "  7    AWS error",
        "  8    SMTP verification failed",
        "  9    changes pending (render --dry-run --exit-code)",
        "  10   restart or health check failed; previous files restored and restarted",
        "  11   scan: plain-text credentials found",
        "  126  exec: CMD found but cannot be run",
        "  127  exec: CMD not found",
        "Otherwise exec exits with CMD's own exit code."})
public class RootCommand {
  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print stack traces on failure (never secrets).")
  boolean debug;
}
