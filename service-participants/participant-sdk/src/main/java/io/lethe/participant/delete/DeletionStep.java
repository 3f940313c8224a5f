package io.lethe.participant.delete;

/**
 * A part of a tenant's deletion outside the participant's SQL database: files in a directory, objects in a bucket, a
 * search index, a cache, an external API. A step runs before or after the planned tables ({@link #position()}) in
 * every phase, and its counts are reported like a table's, under the name {@code step:<name>}.
 *
 * <ul>
 *   <li>PREVIEW and VERIFY: {@link #count}, nothing changes.
 *   <li>SOFT: {@link #hide}, after the tenant is fenced; RESTORE: {@link #restore}. A step that cannot hide anything
 *       reversibly keeps the defaults (0) and acts in the hard delete only.
 *   <li>HARD: {@link #delete}; then, in the transaction that completes the job, {@link #count} must be 0, or the
 *       job fails with {@code VERIFICATION_FAILED} naming the step.
 * </ul>
 *
 * <p>Each call runs while the job's ledger row is locked, so two deliveries of one job never run a step at once, and
 * its count is committed right after it. A step's call must be <b>idempotent</b>: a retried or redelivered request calls
 * it again (a step that already deleted everything returns 0). An exception fails the phase with {@code STEP_FAILED}
 * (retryable): the request is retried and resumes; the tables and steps finished before it stay done. The counts are
 * exact unless the participant dies between a step's call and the commit of its count; then that call's items are not
 * counted, and the verification still proves none is left. A step must not log the tenant's data, only ids and
 * counts.
 */
public interface DeletionStep {

    /** When a step runs relative to the planned tables, in every phase. */
    enum Position {
        /** Before any table: a search index that must stop finding the tenant first, say. */
        BEFORE_TABLES,
        /** After the tables: files that rows point at, so no row points at a missing file meanwhile. */
        AFTER_TABLES
    }

    /** {@return the step's name: 1 to 63 lower-case letters, digits and {@code -}, unique within the participant} */
    String name();

    /** {@return whether the step runs before or after the planned tables} */
    Position position();

    /**
     * Counts the task's items the step holds now, hidden ones included; changes nothing.
     *
     * @return the items of the tenant (or of the task's scope)
     * @throws Exception if they cannot be counted
     */
    long count(DeletionTask task) throws Exception;

    /**
     * Deletes the task's items for good, hidden ones included. Idempotent.
     *
     * @return the items this call deleted
     * @throws Exception if it stopped; what it deleted stays deleted, and the next call goes on
     */
    long delete(DeletionTask task) throws Exception;

    /**
     * Hides the task's items reversibly, for the soft delete. Idempotent. By default nothing is hidden: the items stay
     * until the hard delete (the tenant is fenced meanwhile).
     *
     * @return the items this call hid
     * @throws Exception if it stopped
     */
    default long hide(DeletionTask task) throws Exception {
        return 0;
    }

    /**
     * Shows again exactly what {@link #hide} hid for the task's job. Idempotent.
     *
     * @return the items this call showed again
     * @throws Exception if it stopped
     */
    default long restore(DeletionTask task) throws Exception {
        return 0;
    }
}
