package dev.sesame.cli;

import picocli.CommandLine.Command;

/**
 * The whole `sesame` command tree: {@link RootCommand} and every verb, in the order `sesame --help`
 * lists them. Completion scripts and man pages are generated from this class.
 */
@Command(
    subcommands = {
        InitCommand.class,
        PutCommand.class,
        ImportCommand.class,
        GetCommand.class,
        ListCommand.class,
        RmCommand.class,
        RekeyCommand.class,
        PasswdCommand.class,
        SmtpPasswordCommand.class,
        RenderCommand.class,
        ExecCommand.class,
        RotateCommand.class,
        RevokeCommand.class,
        StatusCommand.class,
        MetricsCommand.class,
        AuditCommand.class,
        picocli.CommandLine.HelpCommand.class,
        DoctorCommand.class,
        PolicyCommand.class,
        ScanCommand.class,
        SesDomainsCommand.class,
    })
public final class SesameCommand extends RootCommand {}
