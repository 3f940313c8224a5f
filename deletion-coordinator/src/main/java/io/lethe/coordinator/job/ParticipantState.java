package io.lethe.coordinator.job;

/** Where one expected participant stands within a job, for the attempt it was last asked for. */
public enum ParticipantState {
    /**
     * Not asked in this phase yet: it belongs to a later stage, and is asked once every participant of the earlier
     * stages completed the phase.
     */
    WAITING,
    /** Asked; no outcome yet, and its deadline has not passed. */
    PENDING,
    /** Deleted the tenant's rows and found none left, in this attempt or an earlier one. */
    COMPLETED,
    /** Reported a failure for the attempt it was last asked for. */
    FAILED,
    /** Did not answer the attempt it was last asked for by its deadline. */
    TIMED_OUT;

    /** Whether a retry asks the participant again. */
    public boolean isRetryable() {
        return this == FAILED || this == TIMED_OUT;
    }

    /** Whether a failure of the participant's current attempt still counts: it has not answered otherwise yet. */
    boolean awaitsOutcome() {
        return this == PENDING || this == TIMED_OUT;
    }
}
