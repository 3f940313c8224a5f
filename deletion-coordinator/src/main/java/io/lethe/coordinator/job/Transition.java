package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * The result of folding an outcome or a deadline check into a job: the job afterwards and what happened to it.
 *
 * @param job the job afterwards (the same job unless {@link #changed()})
 * @param effect what happened
 */
public record Transition(DeletionJob job, Effect effect) {

    public Transition {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(effect, "effect");
    }

    /** What an outcome or a deadline check did to a job. */
    public enum Effect {
        /** The outcome was recorded; the job's new status must be published. */
        APPLIED,
        /** Pending participants whose deadline passed were marked TIMED_OUT; the job's new status must be published. */
        TIMED_OUT,
        /** No pending participant's deadline has passed: nothing changes. */
        NOT_DUE,
        /** The participant has already completed, or already answered this attempt: nothing changes. */
        DUPLICATE,
        /** A failure of an attempt the participant was asked again since: nothing changes. */
        STALE_ATTEMPT,
        /** The outcome names an attempt the participant was never asked for: logged, not counted. */
        UNKNOWN_ATTEMPT,
        /** The job does not expect this participant: logged, not counted. */
        UNKNOWN_PARTICIPANT,
        /** The outcome is about another tenant than the job's: logged, not counted. */
        OTHER_TENANT
    }

    public boolean changed() {
        return effect == Effect.APPLIED || effect == Effect.TIMED_OUT;
    }
}
