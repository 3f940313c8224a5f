package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * The result of folding one outcome into a job: the job afterwards and what the outcome did to it.
 *
 * @param job the job after the outcome (the same job unless {@link #changed()})
 * @param effect what the outcome did
 */
public record Transition(DeletionJob job, Effect effect) {

    public Transition {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(effect, "effect");
    }

    /** What an outcome did to a job. */
    public enum Effect {
        /** The outcome was recorded; the job's new status must be published. */
        APPLIED,
        /** The participant had already reported for this attempt: nothing changes. */
        DUPLICATE,
        /** The outcome answers an older attempt of the job: nothing changes. */
        STALE_ATTEMPT,
        /** The job does not expect this participant: logged, not counted. */
        UNKNOWN_PARTICIPANT,
        /** The outcome is about another tenant than the job's: logged, not counted. */
        OTHER_TENANT
    }

    public boolean changed() {
        return effect == Effect.APPLIED;
    }
}
