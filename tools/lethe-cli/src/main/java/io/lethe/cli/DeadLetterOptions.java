package io.lethe.cli;

import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Which dead-letter topic and which of its records: shared by {@code dlt list} and {@code dlt replay}. */
final class DeadLetterOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = {"-t", "--topic"},
            required = true,
            paramLabel = "TOPIC",
            description = "The topic, or its dead-letter topic <topic>.dlt, e.g. " + LetheTopics.DELETION_REQUESTS)
    String topic;

    @Option(names = "--job-id", paramLabel = "JOB_ID", description = "Only records of this job.")
    String jobId;

    @Option(names = "--tenant-id", paramLabel = "TENANT_ID", description = "Only records of this tenant.")
    String tenantId;

    @Option(
            names = "--participant",
            paramLabel = "NAME",
            description = "Only records given up by, or naming, this participant.")
    String participant;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            converter = InstantConverter.class,
            description = "Only dead letters written at or after TIME: 2025-05-01T10:00:00Z, 2025-05-01, or 2h (ago).")
    Instant since;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            converter = InstantConverter.class,
            description = "Only dead letters written before TIME.")
    Instant until;

    @Option(
            names = "--offsets",
            split = ",",
            paramLabel = "P:O",
            converter = PartitionOffset.Converter.class,
            description = "Only these records of the dead-letter topic, e.g. 0:12,2:7.")
    List<PartitionOffset> offsets = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "At most N matching records.")
    Integer limit;

    /** The dead-letter topic: the one given, or the dead-letter topic of the one given. */
    String deadLetterTopic() {
        return topic.endsWith(LetheTopics.DEAD_LETTER_SUFFIX) ? topic : LetheTopics.deadLetterTopicOf(topic);
    }

    DeadLetterFilter filter() {
        if (limit != null && limit < 1) {
            throw new ParameterException(command.commandLine(), "--limit must be 1 or more, not " + limit);
        }
        try {
            return new DeadLetterFilter(jobId, tenantId, participant, since, until, new LinkedHashSet<>(offsets));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    /**
     * Reads the dead-letter topic to its end and hands over each matching dead letter, up to the limit.
     *
     * @return how many were read and how many matched
     */
    Scan scan(TopicReader reader, Consumer<DeadLetter> matching) {
        DeadLetterFilter filter = filter();
        LetheCodec codec = new LetheCodec();
        Set<PartitionOffset> notSeen = new LinkedHashSet<>(filter.offsets());
        int[] counts = new int[2];
        reader.readToEnd(deadLetterTopic(), record -> {
            DeadLetter deadLetter = DeadLetter.of(record, codec);
            counts[0]++;
            notSeen.remove(deadLetter.position());
            if (filter.matches(deadLetter)) {
                counts[1]++;
                matching.accept(deadLetter);
            }
            return limit == null || counts[1] < limit;
        });
        boolean limited = limit != null && counts[1] >= limit;
        return new Scan(deadLetterTopic(), counts[0], counts[1], limited, limited ? Set.of() : notSeen);
    }

    /**
     * What a scan of a dead-letter topic found.
     *
     * @param topic the dead-letter topic
     * @param read records read
     * @param matched records that matched the filters
     * @param limited whether the reading stopped at {@code --limit}
     * @param offsetsNotFound records asked for with {@code --offsets} that the topic does not hold
     */
    record Scan(String topic, int read, int matched, boolean limited, Set<PartitionOffset> offsetsNotFound) {

        Scan {
            offsetsNotFound = Set.copyOf(offsetsNotFound);
        }

        /** Names, on {@code err}, the {@code --offsets} that the topic does not hold; returns whether there are any. */
        boolean reportOffsetsNotFound(PrintWriter err) {
            if (offsetsNotFound.isEmpty()) {
                return false;
            }
            List<String> missing =
                    offsetsNotFound.stream().map(Object::toString).sorted().toList();
            err.println("not in " + topic + ": --offsets " + String.join(",", missing));
            return true;
        }

        String summary() {
            String text = matched + " of " + read + " dead letters in " + topic + " matched";
            return limited ? text + " (stopped at --limit " + matched + ")" : text;
        }
    }
}
