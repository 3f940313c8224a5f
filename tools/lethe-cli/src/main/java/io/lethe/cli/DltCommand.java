package io.lethe.cli;

import picocli.CommandLine.Command;

/** {@code lethe dlt}: the dead-letter topics. */
@Command(
        name = "dlt",
        subcommands = {DltListCommand.class, DltReplayCommand.class},
        description = "List or replay the dead letters of a topic.")
final class DltCommand {}
