package io.lethe.coordinator.job;

/** Where a deletion job stands; it follows from its participants' states. */
public enum JobState {
    /** Participants were asked to delete; none has failed or timed out, and not all have completed. */
    RUNNING,
    /** Every expected participant deleted the tenant's rows and found none left. */
    COMPLETED,
    /**
     * At least one expected participant failed or timed out; a retry asks those again. An ended job stays FAILED when
     * its last failed participant completes late while another is still pending: only a retry sets it running again.
     */
    FAILED;

    /** Whether the job still holds its tenant: a tenant has at most one active job. */
    public boolean isActive() {
        return this == RUNNING;
    }
}
