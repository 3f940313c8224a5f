package io.lethe.coordinator.job;

/** Where a deletion job stands; within a phase it follows from its participants' states. */
public enum JobState {
    /** A phase (a preview-only job's PREVIEW, or SOFT, HARD, RESTORE) is under way. */
    RUNNING,
    /** A deletion's preview is under way or done, and the job waits for approval before its soft delete. */
    AWAITING_APPROVAL,
    /** A preview-only job ended: every participant counted its rows. */
    PREVIEWED,
    /** Every participant hid the tenant's rows; restorable until the retention window ends, then hard-deleted. */
    SOFT_DELETED,
    /** Every participant deleted the tenant's rows for good and found none left. */
    COMPLETED,
    /** Every participant showed the tenant's hidden rows again. */
    RESTORED,
    /** An approver rejected the deletion; nothing was changed. */
    REJECTED,
    /** A re-verification ended: every participant counted 0 rows of the tenant left. */
    VERIFIED,
    /**
     * A participant failed or timed out in the job's phase; a retry asks the failed ones again. An ended job stays
     * FAILED when its last failed participant completes late while another is still pending: only a retry sets it
     * running again.
     */
    FAILED;

    /** Whether the job still holds its tenant: a tenant has at most one active job. */
    public boolean isActive() {
        return this == RUNNING || this == AWAITING_APPROVAL || this == SOFT_DELETED;
    }

    /** Whether the job has ended (for now: FAILED can be retried): it has a {@code finishedAt}. */
    public boolean isEnded() {
        return !isActive();
    }
}
