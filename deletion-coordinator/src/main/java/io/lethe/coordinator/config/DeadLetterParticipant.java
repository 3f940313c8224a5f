package io.lethe.coordinator.config;

import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The participant a coordinator's dead letter is about, for its {@code lethe-participant} header: the sender of an
 * outcome, the participant a registration is keyed by; none for a command. A record that cannot be decoded (often the
 * reason it failed) gets no header and is dead-lettered all the same.
 */
final class DeadLetterParticipant implements Function<ConsumerRecord<?, ?>, String> {

    private final LetheCodec codec;

    DeadLetterParticipant(LetheCodec codec) {
        this.codec = codec;
    }

    @Override
    public String apply(ConsumerRecord<?, ?> record) {
        return switch (record.topic()) {
            case LetheTopics.PARTICIPANTS ->
                record.key() == null ? null : record.key().toString();
            case LetheTopics.DELETION_OUTCOMES -> record.value() instanceof byte[] value ? senderOf(value) : null;
            default -> null;
        };
    }

    private String senderOf(byte[] outcome) {
        Object decoded = codec.decode(outcome, ParticipantDeletionCompleted.class, ParticipantDeletionFailed.class);
        if (decoded instanceof ParticipantDeletionCompleted completed) {
            return completed.getParticipant();
        }
        return ((ParticipantDeletionFailed) decoded).getParticipant();
    }
}
