package io.lethe.participant.delete;

import java.sql.Connection;
import java.sql.SQLException;

/** Writes a deletion's outcome inside the transaction that completes the job (an outbox). */
@FunctionalInterface
public interface OutcomeRecorder {

    /** Records nothing. */
    OutcomeRecorder NONE = (connection, result) -> {};

    /**
     * Called exactly once per {@link TenantDeleter#delete} call that returns {@link DeletionResult.Completed}: inside
     * the transaction that marks the job completed in the ledger, before it commits; for a job that was already
     * completed, inside a short transaction of its own, with the replayed result. Likewise for a preview or a
     * verification given a recorder: inside the snapshot's transaction, before it commits. If it throws, that transaction is
     * rolled back and the call returns a retryable {@link DeletionResult.Failed} ({@link
     * DeletionResult.Failed#OUTCOME_NOT_RECORDED}); the next delivery of the job completes it.
     *
     * @param connection the deleter's connection, in that transaction; do not commit, roll back or close it
     * @param result the result that the call is about to return
     * @throws SQLException if the outcome cannot be written
     */
    void record(Connection connection, DeletionResult.Completed result) throws SQLException;
}
