package dev.sesame.cli;

import dev.sesame.vault.AuditChain;
import dev.sesame.vault.AuditLog;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "The vault's tamper-evident audit log (VAULT.audit).",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check the audit log's hash chain and report the first broken or missing link.",
          "Exit 0 when intact (prints the record count and the head hash), 3 when a line was edited,",
          "deleted, inserted or reordered (prints its line number), 4 when there is no log.",
          "The chain cannot vouch for the newest lines on its own: record the head hash elsewhere",
          "and pass it back with --expect-head to detect edits or removals at the end."})
  static final class Verify implements Callable<Integer> {
    private final Invocation io;

    Verify(Invocation io) {
      this.io = io;
    }

    @Option(names = "--vault", paramLabel = "FILE", defaultValue = "${env:SESAME_VAULT}",
        description = "Vault whose log (FILE.audit) to check. Default: $SESAME_VAULT.")
    Path vault;

    @Option(names = "--file", paramLabel = "FILE", description = "Check this audit log instead.")
    Path file;

    @Option(names = "--expect-head", paramLabel = "SHA256",
        description = "Head hash from an earlier verify: that line must still be in the log, unchanged.")
    String expectHead;

    @Override
    public Integer call() throws Exception {
      Path log = file != null ? file : logOf(vault);
      AuditChain.Report report = AuditChain.verify(log, Optional.ofNullable(expectHead));
      if (report.firstBreak().isPresent()) {
        AuditChain.Break at = report.firstBreak().get();
        throw new UserError(ExitCode.WRONG_KEY, "audit log " + log + " is broken at line " + at.line()
            + ": " + at.reason());
      }
      io.out().println("audit log " + log + ": intact, " + report.lines() + " records, head "
          + report.headHash());
      return ExitCode.OK;
    }

    private static Path logOf(Path vault) throws UserError {
      if (vault == null || vault.toString().isEmpty()) {
        throw new UserError(ExitCode.USAGE, "no vault given: use --vault FILE, --file LOG or set SESAME_VAULT");
      }
      return new AuditLog(vault, Clock.systemUTC()).file();
    }
  }
}
