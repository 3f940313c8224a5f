package io.lethe.coordinator.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job service's log lines about outcomes and timeouts: ids, states and counts, never row contents. */
final class JobLog {

    private static final Logger log = LoggerFactory.getLogger(DeletionJobService.class);

    private JobLog() {}

    static void outcome(ParticipantOutcome outcome, DeletionJob before, Transition transition) {
        DeletionJob after = transition.job();
        switch (transition.effect()) {
            case APPLIED ->
                log.info(
                        "job {} tenant {}: participant {} {} {}, job {} ({} rows so far)",
                        after.id(),
                        after.tenantId(),
                        outcome.participant(),
                        outcome instanceof ParticipantOutcome.Completed ? "completed" : "failed",
                        outcome.phase(),
                        after.state(),
                        after.totalRowsDeleted());
            case NOT_ASKED ->
                log.warn(
                        "job {}: outcome of participant {} ignored, its stage was not asked in phase {} yet",
                        before.id(),
                        outcome.participant(),
                        before.lifecycle().phase());
            case DUPLICATE ->
                log.info("job {}: duplicate outcome of participant {} ignored", before.id(), outcome.participant());
            case STALE_ATTEMPT ->
                log.info(
                        "job {}: failure of participant {} for attempt {} ignored, it was asked again since",
                        before.id(),
                        outcome.participant(),
                        outcome.attempt());
            case STALE_PHASE ->
                log.info(
                        "job {}: {} outcome of participant {} ignored, the job is in phase {}",
                        before.id(),
                        outcome.phase(),
                        outcome.participant(),
                        before.lifecycle().phase());
            case UNKNOWN_ATTEMPT ->
                log.warn(
                        "job {}: outcome of participant {} for attempt {} ignored, it was never asked for that attempt",
                        before.id(),
                        outcome.participant(),
                        outcome.attempt());
            case OTHER_TENANT ->
                log.warn(
                        "job {} tenant {}: outcome of participant {} about another tenant ignored",
                        before.id(),
                        before.tenantId(),
                        outcome.participant());
            case UNKNOWN_PARTICIPANT ->
                log.warn(
                        "job {}: outcome of participant {} ignored, the job expects only {}",
                        before.id(),
                        outcome.participant(),
                        before.participantNames());
            case TIMED_OUT, NOT_DUE -> throw new IllegalStateException("an outcome cannot " + transition.effect());
        }
    }

    /** Says so when the transition asked the next stage of participants. */
    static void nextStage(DeletionJob before, Transition transition) {
        DeletionJob after = transition.job();
        if (transition.asksParticipants()
                && after.lifecycle().phase() == before.lifecycle().phase()
                && after.lifecycle().phaseAttempt() == before.lifecycle().phaseAttempt()
                && before.state() == after.state()) {
            log.info(
                    "job {} tenant {}: stage {} of {} asked (attempt {}): {}, waiting until {}",
                    after.id(),
                    after.tenantId(),
                    after.currentStage().orElse(-1),
                    after.lifecycle().phase(),
                    after.attempt(),
                    after.requestedParticipants(),
                    after.deadlineAt());
        }
    }

    static void timeouts(DeletionJob before, DeletionJob after) {
        for (int i = 0; i < after.participants().size(); i++) {
            ParticipantProgress participant = after.participants().get(i);
            if (participant.state() == ParticipantState.TIMED_OUT
                    && before.participants().get(i).state() != ParticipantState.TIMED_OUT) {
                log.info(
                        "job {} tenant {}: participant {} timed out on attempt {} of {} (deadline {}), job {}",
                        after.id(),
                        after.tenantId(),
                        participant.name(),
                        participant.attempt(),
                        after.lifecycle().phase(),
                        participant.deadlineAt(),
                        after.state());
            }
        }
    }
}
