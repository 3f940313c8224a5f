package io.lethe.coordinator.job;

/**
 * The audit trail of jobs: every change of a job is recorded, in the transaction of the change, with who made it
 * and what the job looks like afterwards (states and counts, never row contents).
 */
@FunctionalInterface
public interface JobAudit {

    /** Records nothing. */
    JobAudit NONE = (actor, action, job) -> {};

    /**
     * @param actor the authenticated principal, a participant's name, or {@link #COORDINATOR} for timers
     * @param action what happened, e.g. {@code REQUESTED}, {@code APPROVED}, {@code OUTCOME}
     * @param job the job afterwards
     */
    void record(String actor, String action, DeletionJob job);

    /** The actor of what the coordinator does by itself: deadlines and ended retention windows. */
    String COORDINATOR = "lethe-coordinator";
}
