package io.lethe.participant.delete;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a hard delete checks and cleans up of another part of the job (its soft delete, {@link
 * TenantSoftDeleter#hardDeleteGuard}), in the hard delete's own transactions rather than in transactions of their own.
 */
interface HardDeleteGuard {

    /** Checks nothing, cleans up nothing. */
    HardDeleteGuard NONE = new HardDeleteGuard() {
        @Override
        public DeletionResult.Failed refusal(Connection connection, DeletionTask task) {
            return null;
        }

        @Override
        public void completing(Connection connection, DeletionTask task) {}

        @Override
        public void completed(DeletionTask task) {}
    };

    /**
     * Runs in the transaction that claims the job, after the claim and before anything is deleted; the transaction is
     * rolled back if it refuses. Locks taken here are held until the claim commits.
     *
     * @return the failure that refuses the hard delete, or {@code null} to go on
     */
    DeletionResult.Failed refusal(Connection connection, DeletionTask task) throws SQLException;

    /**
     * Runs in the transaction that completes the job (not when a completed job is replayed); bounded, since it holds
     * the job's lock and its failure fails the completion.
     */
    void completing(Connection connection, DeletionTask task) throws SQLException;

    /** Runs after the completing transaction committed: best-effort work that did not fit in it. */
    void completed(DeletionTask task);
}
