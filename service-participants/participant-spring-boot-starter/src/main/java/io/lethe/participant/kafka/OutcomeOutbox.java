package io.lethe.participant.kafka;

import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxMessage;
import io.lethe.kafka.retry.TransientFailure;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes an outcome that no transaction of the SDK records to the participant's outbox, in a transaction of its own: a
 * permanent failure (nothing to retry). The relay sends it like every other outcome, so a broker that is away delays
 * the report instead of running the request again. Completed phases are recorded by the SDK in the transaction that
 * completes them: a soft delete's, hard delete's or restore's last, a preview's or verification's snapshot.
 */
public final class OutcomeOutbox {

    private final DataSource dataSource;
    private final JdbcOutbox outbox;
    private final LetheCodec codec;
    private final String participant;

    public OutcomeOutbox(DataSource dataSource, JdbcOutbox outbox, LetheCodec codec, String participant) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.codec = codec;
        this.participant = participant;
    }

    /**
     * @throws OutcomeNotRecordedException if the database refused the write: transient, the request is tried again
     */
    public void recordFailure(DeletionResult.Failed failed, DeletionPhase phase) {
        write(failed.jobId(), ParticipantEvents.failed(participant, phase, failed), failed.errorCode());
    }

    private void write(String jobId, SpecificRecord event, String what) {
        try (Connection connection = dataSource.getConnection()) {
            // Auto-commit as handed out: the one insert is its own transaction.
            outbox.append(connection, new OutboxMessage(LetheTopics.DELETION_OUTCOMES, jobId, codec.encode(event)));
        } catch (SQLException e) {
            throw new OutcomeNotRecordedException(jobId, what, e);
        }
    }

    /** The outcome could not be written to the outbox. */
    public static final class OutcomeNotRecordedException extends RuntimeException implements TransientFailure {

        private static final long serialVersionUID = 1L;

        OutcomeNotRecordedException(String jobId, String what, SQLException cause) {
            super(
                    "job %s: the outcome %s could not be written to the outbox (SQLState %s)"
                            .formatted(jobId, what, cause.getSQLState()),
                    cause);
        }
    }
}
