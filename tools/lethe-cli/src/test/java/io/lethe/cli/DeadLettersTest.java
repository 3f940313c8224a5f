package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Reading a dead letter's headers and value, choosing it, showing it and building its replay; no broker. */
class DeadLettersTest {

    private static final Instant WRITTEN = Instant.parse("2025-05-01T10:00:00Z");
    private static final String RETRYABLE = "io.lethe.participant.kafka.RetryableDeletionException";
    private final LetheCodec codec = new LetheCodec();

    @Test
    void readsTheRecoverersBinaryHeadersAndLethesTextHeaders() {
        DeadLetter deadLetter = DeadLetter.of(
                deadLetter(1, 7, codec.encode(Messages.request("job-1", "t1")), standardHeaders()), codec);

        assertThat(deadLetter.originalTopic()).isEqualTo("lethe.deletion-requests.v1");
        assertThat(deadLetter.originalPartition()).isEqualTo(2);
        assertThat(deadLetter.originalOffset()).isEqualTo(57L);
        assertThat(deadLetter.originalTimestamp()).isEqualTo(WRITTEN.minusSeconds(60));
        assertThat(deadLetter.consumerGroup()).isNull();
        assertThat(deadLetter.exceptionClass()).isEqualTo(RETRYABLE);
        // The cause header repeats the exception's class: it says nothing new.
        assertThat(deadLetter.causeClass()).isNull();
        assertThat(deadLetter.participant()).isEqualTo("orders");
        assertThat(deadLetter.attempts()).isEqualTo("5");
        assertThat(deadLetter.replayCount()).isNull();
        assertThat(deadLetter.position()).isEqualTo(new PartitionOffset(1, 7));
        assertThat(deadLetter.ids()).isEqualTo(new MessageIds("TenantDeletionRequested", "job-1", "t1", null, null));
    }

    @Test
    void saysWhyAValueDoesNotDecode() {
        DeadLetter deadLetter = DeadLetter.of(deadLetter(0, 0, new byte[] {1, 2, 3}, new RecordHeaders()), codec);

        assertThat(deadLetter.ids().decoded()).isFalse();
        assertThat(deadLetter.ids().undecodable()).startsWith("NOT_SINGLE_OBJECT: message of 3 bytes");
        assertThat(deadLetter.originalTopic()).isNull();
        assertThat(DeadLetterPrinter.text(deadLetter))
                .contains("original:    unknown (no kafka_dlt-original-topic header)")
                .contains("message:     undecodable, NOT_SINGLE_OBJECT");
    }

    @Test
    void takesTheParticipantOfAnOutcomeFromTheMessage() {
        DeadLetter deadLetter = DeadLetter.of(
                deadLetter(0, 0, codec.encode(Messages.completed("job-2", "t2", "billing")), new RecordHeaders()),
                codec);

        assertThat(deadLetter.ids().participant()).isEqualTo("billing");
        assertThat(new DeadLetterFilter(null, null, "billing", null, null, Set.of()).matches(deadLetter))
                .isTrue();
        assertThat(new DeadLetterFilter(null, null, "orders", null, null, Set.of()).matches(deadLetter))
                .isFalse();
    }

    @Test
    void everyCriterionOfAFilterMustHold() {
        DeadLetter deadLetter = DeadLetter.of(
                deadLetter(1, 7, codec.encode(Messages.request("job-1", "t1")), standardHeaders()), codec);

        assertThat(DeadLetterFilter.all().matches(deadLetter)).isTrue();
        assertThat(filter("job-1", null, null, null, null).matches(deadLetter)).isTrue();
        assertThat(filter("job-9", null, null, null, null).matches(deadLetter)).isFalse();
        assertThat(filter(null, "t1", "orders", null, null).matches(deadLetter)).isTrue();
        assertThat(filter(null, "t2", "orders", null, null).matches(deadLetter)).isFalse();
        assertThat(filter(null, null, null, WRITTEN, WRITTEN.plusMillis(1)).matches(deadLetter))
                .isTrue();
        assertThat(filter(null, null, null, WRITTEN.plusMillis(1), null).matches(deadLetter))
                .isFalse();
        assertThat(filter(null, null, null, null, WRITTEN).matches(deadLetter)).isFalse();
        assertThat(new DeadLetterFilter(null, null, null, null, null, Set.of(new PartitionOffset(1, 7)))
                        .matches(deadLetter))
                .isTrue();
        assertThat(new DeadLetterFilter(null, null, null, null, null, Set.of(new PartitionOffset(0, 7)))
                        .matches(deadLetter))
                .isFalse();
        assertThatThrownBy(() -> filter(null, null, null, WRITTEN, WRITTEN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be before --until");
    }

    @Test
    void aReplayKeepsKeyValueAndOwnHeadersDropsTheDeadLetterOnesAndCountsOneMore() {
        var headers = standardHeaders();
        headers.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        headers.add(LetheHeaders.REPLAY_COUNT, "2".getBytes(StandardCharsets.UTF_8));
        byte[] value = codec.encode(Messages.request("job-1", "t1"));
        DeadLetter deadLetter = DeadLetter.of(deadLetter(1, 7, value, headers), codec);

        Replay replay = Replay.of(deadLetter);

        assertThat(replay.record().topic()).isEqualTo("lethe.deletion-requests.v1");
        assertThat(replay.record().partition()).isNull();
        assertThat(replay.record().key()).isEqualTo("t1".getBytes(StandardCharsets.UTF_8));
        assertThat(replay.record().value()).isEqualTo(value);
        assertThat(replay.replayCount()).isEqualTo(3);
        List<String> names = new ArrayList<>();
        for (Header header : replay.record().headers()) {
            names.add(header.key());
        }
        assertThat(names).containsExactly("traceparent", LetheHeaders.REPLAY_COUNT);
        assertThat(replay.record()
                        .headers()
                        .lastHeader(LetheHeaders.REPLAY_COUNT)
                        .value())
                .isEqualTo("3".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesToReplayWhatHasNoOriginalTopicOrAnUnreadableCount() {
        DeadLetter noOrigin = DeadLetter.of(deadLetter(0, 3, new byte[] {1}, new RecordHeaders()), codec);
        assertThatThrownBy(() -> Replay.of(noOrigin))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no kafka_dlt-original-topic header");

        assertThat(Replay.nextReplayCount(null)).isEqualTo(1);
        assertThat(Replay.nextReplayCount("0")).isEqualTo(1);
        assertThatThrownBy(() -> Replay.nextReplayCount("many"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'many' is not a decimal count");
        assertThatThrownBy(() -> Replay.nextReplayCount("-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void showsIdsButNoPayload() {
        DeadLetter deadLetter = DeadLetter.of(
                deadLetter(1, 7, codec.encode(Messages.request("job-1", "t1")), standardHeaders()), codec);

        String text = DeadLetterPrinter.text(deadLetter);
        String json = DeadLetterPrinter.json(deadLetter);

        assertThat(text)
                .startsWith("lethe.deletion-requests.v1.dlt 1:7 at 2025-05-01T10:00:00Z")
                .contains("original:    lethe.deletion-requests.v1 2:57 at 2025-05-01T09:59:00Z")
                .contains("exception:   " + RETRYABLE + ": lock timeout; \"public\".\"orders\"")
                .doesNotContain("cause:")
                .contains("participant: orders   attempts: 5   replays: 0")
                .contains("message:     TenantDeletionRequested job job-1 tenant t1")
                .doesNotContain(Messages.PAYLOAD_ONLY);
        assertThat(json)
                .contains("\"originalPartition\":2,\"originalOffset\":57")
                .contains("\"exceptionMessage\":\"lock timeout; \\\"public\\\".\\\"orders\\\"\"")
                .contains("\"causeClass\":null")
                .contains("\"replayCount\":null")
                .doesNotContain(Messages.PAYLOAD_ONLY);
    }

    @Test
    void showsACauseOnlyWhenItIsAnotherClassThanTheException() {
        // A recoverer handed spring-kafka's wrapper (not Lethe's services, which hand it the listener's exception)
        // names the wrapper as the exception and the listener's exception as the cause.
        var headers = standardHeaders();
        headers.add(
                DeadLetterHeaders.EXCEPTION_FQCN,
                bytes("org.springframework.kafka.listener.ListenerExecutionFailedException"));
        headers.add(DeadLetterHeaders.EXCEPTION_CAUSE_FQCN, bytes("java.sql.SQLTransientConnectionException"));
        DeadLetter deadLetter =
                DeadLetter.of(deadLetter(1, 7, codec.encode(Messages.request("job-1", "t1")), headers), codec);

        assertThat(deadLetter.causeClass()).isEqualTo("java.sql.SQLTransientConnectionException");
        assertThat(DeadLetterPrinter.text(deadLetter))
                .contains("exception:   org.springframework.kafka.listener.ListenerExecutionFailedException")
                .contains("cause:       java.sql.SQLTransientConnectionException");
        assertThat(DeadLetterPrinter.json(deadLetter))
                .contains("\"causeClass\":\"java.sql.SQLTransientConnectionException\"");
    }

    @Test
    void showsTheConsumerGroupWhenTheDeadLetterNamesIt() {
        var headers = standardHeaders();
        headers.add(DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP, bytes("lethe-participant.orders"));
        DeadLetter deadLetter =
                DeadLetter.of(deadLetter(1, 7, codec.encode(Messages.request("job-1", "t1")), headers), codec);

        assertThat(DeadLetterPrinter.text(deadLetter))
                .contains("original:    lethe.deletion-requests.v1 2:57 at 2025-05-01T09:59:00Z, group"
                        + " lethe-participant.orders\n");
        assertThat(DeadLetterPrinter.json(deadLetter)).contains("\"consumerGroup\":\"lethe-participant.orders\"");
    }

    private static DeadLetterFilter filter(
            String jobId, String tenantId, String participant, Instant since, Instant until) {
        return new DeadLetterFilter(jobId, tenantId, participant, since, until, Set.of());
    }

    /**
     * The headers a Lethe participant's error handler writes, byte for byte: spring-kafka's recoverer is handed the
     * listener's own exception, so its cause header names the same class.
     */
    private static RecordHeaders standardHeaders() {
        var headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, bytes("lethe.deletion-requests.v1"));
        headers.add(
                DeadLetterHeaders.ORIGINAL_PARTITION,
                ByteBuffer.allocate(4).putInt(2).array());
        headers.add(
                DeadLetterHeaders.ORIGINAL_OFFSET,
                ByteBuffer.allocate(8).putLong(57).array());
        headers.add(
                DeadLetterHeaders.ORIGINAL_TIMESTAMP,
                ByteBuffer.allocate(8)
                        .putLong(WRITTEN.minusSeconds(60).toEpochMilli())
                        .array());
        headers.add(DeadLetterHeaders.EXCEPTION_FQCN, bytes(RETRYABLE));
        headers.add(DeadLetterHeaders.EXCEPTION_MESSAGE, bytes("lock timeout; \"public\".\"orders\""));
        headers.add(DeadLetterHeaders.EXCEPTION_CAUSE_FQCN, bytes(RETRYABLE));
        headers.add(LetheHeaders.PARTICIPANT, bytes("orders"));
        headers.add(LetheHeaders.ATTEMPTS, bytes("5"));
        return headers;
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(
            int partition, long offset, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(
                "lethe.deletion-requests.v1.dlt",
                partition,
                offset,
                WRITTEN.toEpochMilli(),
                TimestampType.CREATE_TIME,
                2,
                value.length,
                bytes("t1"),
                value,
                headers,
                Optional.empty());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
