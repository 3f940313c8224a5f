package io.lethe.participant.kafka;

import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxMessage;
import io.lethe.kafka.retry.TransientFailure;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Writes a permanent failure's {@code ParticipantDeletionFailed} (key jobId) to the participant's outbox, like a
 * completion: the database just answered the deletion, so it takes the report even while the broker is away, and the
 * relay sends it when the broker is back. (A failure that ran out of retries is reported directly instead: the
 * database may be what failed.)
 */
public final class FailureOutbox {

    private final DataSource dataSource;
    private final JdbcOutbox outbox;
    private final LetheCodec codec;
    private final String participant;

    public FailureOutbox(DataSource dataSource, JdbcOutbox outbox, LetheCodec codec, String participant) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.codec = codec;
        this.participant = participant;
    }

    /**
     * @throws FailureNotRecordedException if the database refused the write: transient, the request is tried again
     */
    public void record(DeletionResult.Failed failed) {
        byte[] event = codec.encode(ParticipantEvents.failed(participant, failed));
        try (Connection connection = dataSource.getConnection()) {
            // Auto-commit as handed out: the one insert is its own transaction.
            outbox.append(connection, new OutboxMessage(LetheTopics.DELETION_OUTCOMES, failed.jobId(), event));
        } catch (SQLException e) {
            throw new FailureNotRecordedException(failed, e);
        }
    }

    /** The failure report could not be written to the outbox. */
    public static final class FailureNotRecordedException extends RuntimeException implements TransientFailure {

        private static final long serialVersionUID = 1L;

        FailureNotRecordedException(DeletionResult.Failed failed, SQLException cause) {
            super(
                    "job %s: the failure %s could not be written to the outbox (SQLState %s)"
                            .formatted(failed.jobId(), failed.errorCode(), cause.getSQLState()),
                    cause);
        }
    }
}
