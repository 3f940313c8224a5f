package io.lethe.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lethe dlt list}: every dead letter of a topic that matches, with why it is there. */
@Command(
        name = "list",
        description = {
            "Reads a dead-letter topic from its beginning to its end (no consumer group, nothing committed) and shows,"
                    + " per record, where it came from, why it was given up and the ids in it. Never a payload."
        })
final class DltListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DeadLetterOptions deadLetters;

    @Option(names = "--json", description = "One JSON object per record on stdout; the summary goes to stderr.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        deadLetters.filter();
        DeadLetterOptions.Scan scan;
        try (var reader = new TopicReader(kafka)) {
            scan = deadLetters.scan(reader, deadLetter -> {
                if (json) {
                    out.println(DeadLetterPrinter.json(deadLetter));
                } else {
                    out.println(DeadLetterPrinter.text(deadLetter));
                    out.println();
                }
            });
        }
        (json ? err : out).println(scan.summary());
        return scan.reportOffsetsNotFound(err) ? LetheCli.FAILED : LetheCli.OK;
    }
}
