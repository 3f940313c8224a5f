package io.lethe.participant.kafka;

import io.lethe.kafka.retry.TransientFailure;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends the participant's events that cannot wait in the outbox, and waits for the broker's acknowledgement: the report
 * of a failure that ran out of retries (keyed by jobId; the database may be what failed) and its registration.
 * Completions and permanent failures go through the outbox instead ({@link OutboxOutcomeRecorder}, {@link
 * FailureOutbox}).
 */
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

    /** Reports a failed deletion to the coordinator directly. */
    public void publishFailure(DeletionResult.Failed failed, DeletionPhase phase) {
        send(LetheTopics.DELETION_OUTCOMES, failed.jobId(), ParticipantEvents.failed(participant, phase, failed));
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

    /** The broker did not acknowledge a message in time: transient, the listener's back-off tries again. */
    public static final class EventNotPublishedException extends RuntimeException implements TransientFailure {

        private static final long serialVersionUID = 1L;

        EventNotPublishedException(String topic, String key, Exception cause) {
            super(
                    "message with key %s was not acknowledged by topic %s: %s"
                            .formatted(key, topic, cause.getMessage()),
                    cause);
        }
    }
}
