package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * The result of a decision about a job: the job afterwards, what happened to it, and whether participants must be
 * asked (a new phase, a new preview round, a retry), which the service then publishes.
 *
 * @param job the job afterwards (the same job unless {@link #changed()})
 * @param effect what happened
 * @param asksParticipants whether the job's latest request must be published
 */
public record Transition(DeletionJob job, Effect effect, boolean asksParticipants) {

    public Transition {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(effect, "effect");
    }

    Transition(DeletionJob job, Effect effect) {
        this(job, effect, false);
    }

    /** What an outcome, a deadline check or a command did to a job. */
    public enum Effect {
        /** The outcome or command was applied; the job's new status must be published. */
        APPLIED,
        /** Pending participants whose deadline passed were marked TIMED_OUT; the job's new status must be published. */
        TIMED_OUT,
        /** No pending participant's deadline has passed: nothing changes. */
        NOT_DUE,
        /** The participant has already completed, or already answered this attempt: nothing changes. */
        DUPLICATE,
        /** A failure of an attempt the participant was asked again since: nothing changes. */
        STALE_ATTEMPT,
        /** An outcome of another phase than the job's (a late answer of an earlier phase): nothing changes. */
        STALE_PHASE,
        /** The outcome is of a participant whose stage was not asked in this phase yet: logged, not counted. */
        NOT_ASKED,
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
