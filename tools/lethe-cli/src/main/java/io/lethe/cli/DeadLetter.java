package io.lethe.cli;

import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * One record of a dead-letter topic, with what its headers and value say about it. Numbers that a header does not
 * carry are null.
 *
 * @param record the record as read, kept for a replay (key, value and headers unchanged)
 * @param originalTopic where the record was consumed before it was given up, or null without that header
 * @param originalPartition its partition there
 * @param originalOffset its offset there
 * @param originalTimestamp its timestamp there
 * @param consumerGroup the consumer group that gave it up
 * @param exceptionClass the class of the exception the recoverer was handed: the listener's own exception
 * @param exceptionMessage that exception's message
 * @param causeClass the class spring-kafka names as its root cause, only when that is another class (a dead letter
 *     of a recoverer that was handed spring-kafka's wrapper); null when it repeats the exception's class, as it does
 *     for every dead letter of Lethe's services
 * @param participant the participant that gave it up ({@link LetheHeaders#PARTICIPANT})
 * @param attempts how many times it was tried ({@link LetheHeaders#ATTEMPTS}), as written
 * @param replayCount how many times it was replayed before ({@link LetheHeaders#REPLAY_COUNT}), as written, or null
 * @param ids the value's type and ids, or why it does not decode
 */
record DeadLetter(
        ConsumerRecord<byte[], byte[]> record,
        String originalTopic,
        Integer originalPartition,
        Long originalOffset,
        Instant originalTimestamp,
        String consumerGroup,
        String exceptionClass,
        String exceptionMessage,
        String causeClass,
        String participant,
        String attempts,
        String replayCount,
        MessageIds ids) {

    /** Reads a dead letter's headers and the ids in its value. */
    static DeadLetter of(ConsumerRecord<byte[], byte[]> record, LetheCodec codec) {
        Headers headers = record.headers();
        Long originalTimestamp = DeadLetterHeaders.int64(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP);
        String exceptionClass = DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_FQCN);
        String causeClass = DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_CAUSE_FQCN);
        return new DeadLetter(
                record,
                DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGINAL_TOPIC),
                DeadLetterHeaders.int32(headers, DeadLetterHeaders.ORIGINAL_PARTITION),
                DeadLetterHeaders.int64(headers, DeadLetterHeaders.ORIGINAL_OFFSET),
                originalTimestamp == null ? null : Instant.ofEpochMilli(originalTimestamp),
                DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP),
                exceptionClass,
                DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_MESSAGE),
                // spring-kafka looks for a cause only inside its own wrapper; without one it names the exception
                // again, which says nothing new.
                Objects.equals(causeClass, exceptionClass) ? null : causeClass,
                DeadLetterHeaders.text(headers, LetheHeaders.PARTICIPANT),
                DeadLetterHeaders.text(headers, LetheHeaders.ATTEMPTS),
                DeadLetterHeaders.text(headers, LetheHeaders.REPLAY_COUNT),
                MessageIds.of(record.value(), codec));
    }

    PartitionOffset position() {
        return new PartitionOffset(record.partition(), record.offset());
    }

    Instant timestamp() {
        return Instant.ofEpochMilli(record.timestamp());
    }

    /**
     * The record's key as text. Lethe's keys are ids (tenantId, jobId, participant name), so showing one shows no
     * payload; a key that is not valid UTF-8 is shown by its length only.
     */
    String key() {
        byte[] key = record.key();
        if (key == null) {
            return null;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        return Arrays.equals(text.getBytes(StandardCharsets.UTF_8), key)
                ? text
                : "(" + key.length + " bytes, not UTF-8)";
    }
}
