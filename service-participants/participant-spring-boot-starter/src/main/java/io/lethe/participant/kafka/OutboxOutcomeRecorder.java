package io.lethe.participant.kafka;

import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxMessage;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.OutcomeRecorder;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes {@code ParticipantDeletionCompleted} (key jobId) to the participant's outbox table in the transaction that
 * completes the deletion; the outbox relay sends it once that transaction committed. A crash between the commit and
 * the send loses nothing: the row waits for the relay of the restarted service.
 */
public final class OutboxOutcomeRecorder implements OutcomeRecorder {

    private final JdbcOutbox outbox;
    private final LetheCodec codec;
    private final String participant;
    private final DeletionPhase phase;

    /** @param phase the phase whose completions it records (one recorder per phase) */
    public OutboxOutcomeRecorder(JdbcOutbox outbox, LetheCodec codec, String participant, DeletionPhase phase) {
        this.outbox = outbox;
        this.codec = codec;
        this.participant = participant;
        this.phase = phase;
    }

    @Override
    public void record(Connection connection, DeletionResult.Completed result) throws SQLException {
        byte[] event = codec.encode(ParticipantEvents.completed(participant, phase, result));
        outbox.append(connection, new OutboxMessage(LetheTopics.DELETION_OUTCOMES, result.jobId(), event));
    }
}
