package io.lethe.participant.kafka;

import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.TableResult;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.TableDeletion;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes the participant's events (outcomes keyed by jobId, its registration) and waits for the broker's acknowledgement. */
public class ParticipantEventPublisher {

    private final KafkaTemplate<String, byte[]> template;
    private final LetheCodec codec;
    private final String participant;
    private final Duration timeout;

    public ParticipantEventPublisher(
            KafkaTemplate<String, byte[]> template, LetheCodec codec, String participant, Duration timeout) {
        this.template = template;
        this.codec = codec;
        this.participant = participant;
        this.timeout = timeout;
    }

    public void publish(DeletionResult result) {
        SpecificRecord outcome = toAvro(result);
        String jobId =
                result instanceof DeletionResult.Completed c ? c.jobId() : ((DeletionResult.Failed) result).jobId();
        send(LetheTopics.DELETION_OUTCOMES, jobId, outcome);
    }

    void send(String topic, String key, SpecificRecord message) {
        try {
            template.send(topic, key, codec.encode(message)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventNotPublishedException(topic, key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new EventNotPublishedException(topic, key, e);
        }
    }

    private SpecificRecord toAvro(DeletionResult result) {
        if (result instanceof DeletionResult.Completed completed) {
            return new ParticipantDeletionCompleted(
                    completed.jobId(),
                    completed.tenantId(),
                    participant,
                    completed.attempt(),
                    completed.tables().stream()
                            .map(ParticipantEventPublisher::tableDeletion)
                            .toList(),
                    completed.rowsRemaining(),
                    completed.startedAt(),
                    completed.finishedAt());
        }
        if (result instanceof DeletionResult.Failed failed) {
            return new ParticipantDeletionFailed(
                    failed.jobId(),
                    failed.tenantId(),
                    participant,
                    failed.attempt(),
                    failed.errorCode(),
                    failed.message(),
                    failed.table(),
                    failed.retryable(),
                    failed.at());
        }
        throw new IllegalArgumentException(
                "unknown result type " + result.getClass().getName());
    }

    private static TableDeletion tableDeletion(TableResult table) {
        return new TableDeletion(table.table(), table.rowsDeleted(), table.rowsRemaining());
    }

    /** The broker did not acknowledge a message in time: retryable, the listener's back-off tries again. */
    public static final class EventNotPublishedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        EventNotPublishedException(String topic, String key, Exception cause) {
            super(
                    "message with key %s was not acknowledged by topic %s: %s"
                            .formatted(key, topic, cause.getMessage()),
                    cause);
        }
    }
}
