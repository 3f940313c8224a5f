package io.lethe.cli;

import io.lethe.schemas.LetheHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What replaying a dead letter sends: to its original topic, the same key and value, its headers without those that
 * describe the dead letter, and {@link LetheHeaders#REPLAY_COUNT} one higher.
 *
 * @param deadLetter the dead letter replayed
 * @param record the record to send
 * @param replayCount the replay count the sent record carries
 */
record Replay(DeadLetter deadLetter, ProducerRecord<byte[], byte[]> record, int replayCount) {

    /**
     * Builds the replay of a dead letter.
     *
     * @throws IllegalArgumentException naming the reason, for a dead letter that cannot be replayed as it is
     */
    static Replay of(DeadLetter deadLetter) {
        if (deadLetter.originalTopic() == null) {
            throw new IllegalArgumentException("it has no " + DeadLetterHeaders.ORIGINAL_TOPIC
                    + " header, so where it belongs is unknown; it was not written by a Lethe consumer's recoverer");
        }
        int replayCount = nextReplayCount(deadLetter.replayCount());
        var headers = new RecordHeaders();
        for (Header header : deadLetter.record().headers()) {
            if (!describesTheDeadLetter(header.key())) {
                headers.add(header);
            }
        }
        headers.add(LetheHeaders.REPLAY_COUNT, Integer.toString(replayCount).getBytes(StandardCharsets.UTF_8));
        // No partition and no timestamp: the producer partitions by the unchanged key (the original partition while
        // the partition count is unchanged), and the replay is stamped with the time it was sent.
        var record = new ProducerRecord<>(
                deadLetter.originalTopic(),
                null,
                null,
                deadLetter.record().key(),
                deadLetter.record().value(),
                headers);
        return new Replay(deadLetter, record, replayCount);
    }

    /**
     * Headers of the recoverer ({@code kafka_dlt-*}) and Lethe's dead-letter headers say why and by whom the record
     * was given up; on the replayed record they would be stale, and a new dead letter writes its own.
     */
    static boolean describesTheDeadLetter(String header) {
        return header.startsWith(DeadLetterHeaders.PREFIX)
                || header.equals(LetheHeaders.PARTICIPANT)
                || header.equals(LetheHeaders.ATTEMPTS)
                || header.equals(LetheHeaders.REPLAY_COUNT);
    }

    /** One more than the replay count a dead letter carries (none means never replayed). */
    static int nextReplayCount(String header) {
        if (header == null) {
            return 1;
        }
        try {
            int count = Integer.parseInt(header.trim());
            if (count >= 0) {
                return count + 1;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "its " + LetheHeaders.REPLAY_COUNT + " header '" + header + "' is not a decimal count");
    }
}
