package io.lethe.coordinator.job;

/** Where a deletion job stands. */
public enum JobState {
    /** Participants were asked to delete and not all have answered. */
    RUNNING,
    /** Every expected participant deleted the tenant's rows and found none left. */
    COMPLETED,
    /** At least one expected participant failed; the others' outcomes are still recorded. */
    FAILED;

    /** Whether the job still holds its tenant: a tenant has at most one active job. */
    public boolean isActive() {
        return this == RUNNING;
    }
}
