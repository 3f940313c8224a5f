package io.lethe.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lethe} command: {@code lethe dlt list}, {@code lethe dlt replay} and {@code lethe status}. Exit codes: 0
 * done, 1 something was refused, failed or not found, 2 the command line is wrong.
 */
@Command(
        name = "lethe",
        // Help, version and the exit-code footer on every sub-command too.
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = LetheCli.Version.class,
        subcommands = {DltCommand.class, StatusCommand.class},
        description = "On-call tool for Lethe: dead letters and job status.",
        footer = {
            "",
            "Exit codes: 0 done, 1 refused, failed or not found, 2 wrong command line.",
            "See docs/runbook.md."
        })
public final class LetheCli {

    /** Everything went as asked. */
    static final int OK = 0;

    /** A record was refused or not sent, a job was not found, failed or did not finish in time, Kafka was away. */
    static final int FAILED = 1;

    /** The command line is wrong (picocli's own code for usage errors). */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    private LetheCli() {}

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }

    /**
     * Runs the command in this JVM, writing answers to {@code out} and errors to {@code err}, and returns its exit
     * code instead of exiting: for tests and for tools that drive {@code lethe} in-process.
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        var commandLine = new CommandLine(LetheCli.class);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parseResult) -> {
            // A failure the tool understood is one line naming what is wrong; anything else keeps its class name.
            String message =
                    e instanceof CliException ? e.getMessage() : e.getClass().getName() + ": " + e.getMessage();
            line.getErr().println("error: " + message);
            line.getErr().flush();
            return FAILED;
        });
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The version from the jar's manifest, when run from the jar. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = LetheCli.class.getPackage().getImplementationVersion();
            return new String[] {"lethe " + (version == null ? "(development build)" : version)};
        }
    }
}
