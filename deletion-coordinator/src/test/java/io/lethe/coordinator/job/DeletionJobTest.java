package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How a job folds its participants' outcomes, deadlines and retries within a phase, shown on a preview-only job, whose
 * one phase ends PREVIEWED; {@link DeletionLifecycleTest} covers the phases, approvals, retention and restore.
 */
class DeletionJobTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);
    private static final Instant T3 = T0.plusSeconds(3);
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Instant DUE = T0.plus(DEADLINE);
    /** A preview-only job: folding outcomes works the same in every phase, and a preview is the first one. */
    private static final DeletionRequest REQUEST =
            new DeletionRequest("req-1", "acme", "alice", null, "contract ended", null, JobMode.PREVIEW, null, false);

    private final DeletionJob job = DeletionJob.start(
            DeletionJobId.random(),
            REQUEST,
            TestParticipants.stageZero("orders", "billing", "identity"),
            DEADLINE,
            Duration.ZERO,
            T0);

    @Test
    void startsRunningWithEveryParticipantPendingInNameOrder() {
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.participantNames()).containsExactly("billing", "identity", "orders");
        assertThat(job.requestedParticipants()).containsExactly("billing", "identity", "orders");
        assertThat(job.participants()).allMatch(p -> p.state() == ParticipantState.PENDING);
        assertThat(job.participants()).allMatch(p -> p.attempt() == 1);
        assertThat(job.participants()).allMatch(p -> p.deadlineAt().equals(DUE));
        assertThat(job.deadlineAt()).isEqualTo(DUE);
        assertThat(job.participantDeadline()).isEqualTo(DEADLINE);
        assertThat(job.finishedAt()).isNull();
        assertThat(job.totalRowsDeleted()).isZero();
    }

    @Test
    void refusesToStartWithoutParticipants() {
        assertThatThrownBy(() ->
                        DeletionJob.start(DeletionJobId.random(), REQUEST, List.of(), DEADLINE, Duration.ZERO, T0))
                .isInstanceOf(NoParticipantsRegisteredException.class)
                .hasMessageContaining("acme");
    }

    @Test
    void staysRunningWhileSomeParticipantsHaveNotReported() {
        Transition transition = job.apply(completed("orders", 1, 10), T1);

        assertThat(transition.effect()).isEqualTo(Transition.Effect.APPLIED);
        assertThat(transition.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(transition.job().updatedAt()).isEqualTo(T1);
        assertThat(transition.job().finishedAt()).isNull();
        assertThat(transition.job().totalRowsDeleted()).isEqualTo(10);
    }

    @Test
    void completesJobWhenLastParticipantReports() {
        DeletionJob done = job.apply(completed("orders", 1, 10), T1)
                .job()
                .apply(completed("billing", 1, 5), T2)
                .job()
                .apply(completed("identity", 1, 0), T3)
                .job();

        assertThat(done.state()).isEqualTo(JobState.PREVIEWED);
        assertThat(done.finishedAt()).isEqualTo(T3);
        assertThat(done.totalRowsDeleted()).isEqualTo(15);
        assertThat(done.participants()).allMatch(p -> p.state() == ParticipantState.COMPLETED);
        assertThat(done.participants().get(0).tables()).containsExactly(new TableCount("public.t", 5, 0));
        assertThat(done.deadlineAt()).isNull();
    }

    @Test
    void failsJobWhenAnyParticipantFailsAndStillRecordsTheOthers() {
        DeletionJob failed = job.apply(failed("billing", 1), T1).job();

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.finishedAt()).isEqualTo(T1);
        assertThat(failed.participants().get(0).error().code()).isEqualTo("SQL_ERROR");
        assertThat(failed.participants().get(0).error().table()).isEqualTo("public.invoices");

        Transition later = failed.apply(completed("orders", 1, 7), T2);
        assertThat(later.changed()).isTrue();
        assertThat(later.job().state()).isEqualTo(JobState.FAILED);
        assertThat(later.job().finishedAt()).isEqualTo(T1);
        assertThat(later.job().totalRowsDeleted()).isEqualTo(7);
        assertThat(later.job().participants().get(2).state()).isEqualTo(ParticipantState.COMPLETED);
    }

    @Test
    void ignoresADuplicateOutcome() {
        DeletionJob once = job.apply(completed("orders", 1, 10), T1).job();

        Transition again = once.apply(completed("orders", 1, 10), T2);
        Transition contradicting = once.apply(failed("orders", 1), T2);

        assertThat(again.effect()).isEqualTo(Transition.Effect.DUPLICATE);
        assertThat(again.job()).isSameAs(once);
        assertThat(contradicting.effect()).isEqualTo(Transition.Effect.DUPLICATE);
        assertThat(contradicting.job()).isSameAs(once);
    }

    @Test
    void ignoresASecondFailureOfTheSameAttempt() {
        DeletionJob failed = job.apply(failed("orders", 1), T1).job();

        Transition again = failed.apply(failed("orders", 1), T2);

        assertThat(again.effect()).isEqualTo(Transition.Effect.DUPLICATE);
        assertThat(again.job()).isSameAs(failed);
    }

    @Test
    void ignoresAnOutcomeOfAnAttemptTheParticipantWasNeverAskedFor() {
        Transition never = job.apply(completed("orders", 0, 10), T1);
        Transition future = job.apply(completed("orders", 2, 10), T1);

        assertThat(never.effect()).isEqualTo(Transition.Effect.UNKNOWN_ATTEMPT);
        assertThat(never.job()).isSameAs(job);
        assertThat(future.effect()).isEqualTo(Transition.Effect.UNKNOWN_ATTEMPT);
        assertThat(future.job()).isSameAs(job);
    }

    @Test
    void ignoresAnOutcomeOfAParticipantTheJobDoesNotExpect() {
        Transition unknown = job.apply(completed("newcomer", 1, 10), T1);

        assertThat(unknown.effect()).isEqualTo(Transition.Effect.UNKNOWN_PARTICIPANT);
        assertThat(unknown.job()).isSameAs(job);
        assertThat(unknown.changed()).isFalse();
    }

    @Test
    void ignoresAnOutcomeAboutAnotherTenant() {
        var outcome = new ParticipantOutcome.Completed(
                job.id(), "globex", "orders", 1, Phase.PREVIEW, List.of(new TableCount("public.t", 5, 0)), 0, T1);

        Transition transition = job.apply(outcome, T1);

        assertThat(transition.effect()).isEqualTo(Transition.Effect.OTHER_TENANT);
        assertThat(transition.job()).isSameAs(job);
        assertThat(transition.changed()).isFalse();
    }

    @Test
    void treatsACompletionWithRowsRemainingAsAFailure() {
        var outcome = new ParticipantOutcome.Completed(
                job.id(), "acme", "orders", 1, Phase.PREVIEW, List.of(new TableCount("public.t", 5, 2)), 2, T1);

        DeletionJob next = job.apply(outcome, T1).job();

        assertThat(next.state()).isEqualTo(JobState.FAILED);
        assertThat(next.participants().get(2).error().code()).isEqualTo("ROWS_REMAINING");
    }

    @Test
    void aCompletedJobIgnoresLateDuplicates() {
        DeletionJob done = job.apply(completed("orders", 1, 1), T1)
                .job()
                .apply(completed("billing", 1, 1), T1)
                .job()
                .apply(completed("identity", 1, 1), T1)
                .job();

        for (String name : done.participantNames()) {
            assertThat(done.apply(failed(name, 1), T3).job()).isSameAs(done);
        }
    }

    // --- deadlines ------------------------------------------------------------------------------------------------

    @Test
    void timesOutNothingBeforeTheDeadline() {
        Transition early = job.timeOut(DUE.minusMillis(1));

        assertThat(early.effect()).isEqualTo(Transition.Effect.NOT_DUE);
        assertThat(early.job()).isSameAs(job);
        assertThat(early.changed()).isFalse();
    }

    @Test
    void timesOutEveryPendingParticipantAtTheDeadlineAndFailsTheJob() {
        DeletionJob oneDone = job.apply(completed("orders", 1, 4), T1).job();

        Transition transition = oneDone.timeOut(DUE);

        assertThat(transition.effect()).isEqualTo(Transition.Effect.TIMED_OUT);
        assertThat(transition.changed()).isTrue();
        DeletionJob timedOut = transition.job();
        assertThat(states(timedOut))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "billing", ParticipantState.TIMED_OUT,
                        "identity", ParticipantState.TIMED_OUT,
                        "orders", ParticipantState.COMPLETED));
        assertThat(timedOut.state()).isEqualTo(JobState.FAILED);
        assertThat(timedOut.finishedAt()).isEqualTo(DUE);
        assertThat(timedOut.updatedAt()).isEqualTo(DUE);
        assertThat(timedOut.deadlineAt()).isNull();
        assertThat(timedOut.participants().get(0).deadlineAt()).isEqualTo(DUE);
        assertThat(timedOut.totalRowsDeleted()).isEqualTo(4);
    }

    @Test
    void timesOutOnceByConstruction() {
        DeletionJob timedOut = job.timeOut(DUE).job();

        Transition again = timedOut.timeOut(DUE.plusSeconds(60));

        assertThat(again.effect()).isEqualTo(Transition.Effect.NOT_DUE);
        assertThat(again.job()).isSameAs(timedOut);
    }

    @Test
    void acceptsALateCompletionAfterATimeoutAndCanStillCompleteTheJob() {
        DeletionJob timedOut = job.apply(completed("orders", 1, 4), T1)
                .job()
                .apply(completed("identity", 1, 2), T1)
                .job()
                .timeOut(DUE)
                .job();
        assertThat(timedOut.state()).isEqualTo(JobState.FAILED);

        Instant late = DUE.plusSeconds(5);
        Transition transition = timedOut.apply(completed("billing", 1, 3), late);

        assertThat(transition.effect()).isEqualTo(Transition.Effect.APPLIED);
        assertThat(transition.job().state()).isEqualTo(JobState.PREVIEWED);
        assertThat(transition.job().finishedAt()).isEqualTo(late);
        assertThat(transition.job().totalRowsDeleted()).isEqualTo(9);
    }

    @Test
    void acceptsAFailureOfTheCurrentAttemptAfterATimeout() {
        DeletionJob timedOut = job.timeOut(DUE).job();

        Transition transition = timedOut.apply(failed("billing", 1), DUE.plusSeconds(1));

        assertThat(transition.effect()).isEqualTo(Transition.Effect.APPLIED);
        assertThat(transition.job().participants().get(0).state()).isEqualTo(ParticipantState.FAILED);
        assertThat(transition.job().participants().get(0).error().code()).isEqualTo("SQL_ERROR");
        assertThat(transition.job().state()).isEqualTo(JobState.FAILED);
        assertThat(transition.job().finishedAt()).isEqualTo(DUE);
    }

    // --- retry ----------------------------------------------------------------------------------------------------

    @Test
    void retryAsksOnlyTheFailedAndTimedOutParticipantsAgainWithANewAttempt() {
        DeletionJob ended = job.apply(completed("orders", 1, 4), T1)
                .job()
                .apply(failed("billing", 1), T2)
                .job()
                .timeOut(DUE)
                .job();
        Instant now = DUE.plusSeconds(30);

        DeletionJob retried = ended.retry(now).job();

        assertThat(retried.state()).isEqualTo(JobState.RUNNING);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.finishedAt()).isNull();
        assertThat(retried.updatedAt()).isEqualTo(now);
        assertThat(retried.requestedParticipants()).containsExactly("billing", "identity");
        assertThat(retried.deadlineAt()).isEqualTo(now.plus(DEADLINE));
        ParticipantProgress billing = retried.participants().get(0);
        assertThat(billing.state()).isEqualTo(ParticipantState.PENDING);
        assertThat(billing.attempt()).isEqualTo(2);
        assertThat(billing.error()).isNull();
        assertThat(billing.finishedAt()).isNull();
        assertThat(retried.participants().get(1).attempt()).isEqualTo(2);
        assertThat(retried.participants().get(2)).isEqualTo(ended.participants().get(2));
        assertThat(retried.totalRowsDeleted()).isEqualTo(4);
    }

    @Test
    void aRetriedParticipantCompletesTheJob() {
        DeletionJob retried = job.apply(completed("orders", 1, 4), T1)
                .job()
                .apply(completed("identity", 1, 1), T1)
                .job()
                .apply(failed("billing", 1), T2)
                .job()
                .retry(T3)
                .job();

        Transition transition = retried.apply(completed("billing", 2, 6), T3.plusSeconds(1));

        assertThat(transition.job().state()).isEqualTo(JobState.PREVIEWED);
        assertThat(transition.job().finishedAt()).isEqualTo(T3.plusSeconds(1));
        assertThat(transition.job().totalRowsDeleted()).isEqualTo(11);
    }

    @Test
    void aFailureOfAnOlderAttemptIsStaleAfterARetry() {
        DeletionJob retried =
                job.apply(failed("billing", 1), T1).job().retry(T2).job();

        Transition stale = retried.apply(failed("billing", 1), T3);

        assertThat(stale.effect()).isEqualTo(Transition.Effect.STALE_ATTEMPT);
        assertThat(stale.job()).isSameAs(retried);
    }

    @Test
    void aCompletionOfAnOlderAttemptCountsAfterARetry() {
        DeletionJob retried =
                job.apply(failed("billing", 1), T1).job().retry(T2).job();

        Transition late = retried.apply(completed("billing", 1, 8), T3);

        assertThat(late.effect()).isEqualTo(Transition.Effect.APPLIED);
        ParticipantProgress billing = late.job().participants().get(0);
        assertThat(billing.state()).isEqualTo(ParticipantState.COMPLETED);
        assertThat(billing.attempt()).isEqualTo(2);
        assertThat(billing.rowsDeleted()).isEqualTo(8);
        assertThat(late.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(late.job().apply(completed("billing", 2, 0), T3).effect()).isEqualTo(Transition.Effect.DUPLICATE);
    }

    @Test
    void aRetriedParticipantTimesOutAtItsOwnDeadlineAndAPendingOneKeepsItsOwn() {
        // billing fails at once; identity and orders keep working on attempt 1 while billing is asked again.
        DeletionJob retried =
                job.apply(failed("billing", 1), T1).job().retry(T2).job();
        Instant billingDue = T2.plus(DEADLINE);
        assertThat(retried.deadlineAt()).isEqualTo(DUE);

        DeletionJob firstSweep = retried.timeOut(DUE).job();
        assertThat(states(firstSweep))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "billing", ParticipantState.PENDING,
                        "identity", ParticipantState.TIMED_OUT,
                        "orders", ParticipantState.TIMED_OUT));
        assertThat(firstSweep.deadlineAt()).isEqualTo(billingDue);

        DeletionJob secondSweep = firstSweep.timeOut(billingDue).job();
        assertThat(secondSweep.participants()).allMatch(p -> p.state() == ParticipantState.TIMED_OUT);
        assertThat(secondSweep.deadlineAt()).isNull();
    }

    @Test
    void refusesToRetryACompletedJob() {
        DeletionJob done = job.apply(completed("orders", 1, 1), T1)
                .job()
                .apply(completed("billing", 1, 1), T1)
                .job()
                .apply(completed("identity", 1, 1), T1)
                .job();

        assertThatThrownBy(() -> done.retry(T2).job())
                .isInstanceOf(JobNotRetryableException.class)
                .hasMessageContaining(done.id().toString())
                .hasMessageContaining("PREVIEWED")
                .hasMessageContaining("nothing to retry");
    }

    @Test
    void refusesToRetryARunningJobWithoutFailedParticipants() {
        DeletionJob running = job.apply(completed("orders", 1, 1), T1).job();

        assertThatThrownBy(() -> running.retry(T2).job())
                .isInstanceOf(JobNotRetryableException.class)
                .hasMessageContaining(running.id().toString())
                .hasMessageContaining("no participant failed or timed out")
                .hasMessageContaining("[billing, identity]");
    }

    @Test
    void anOutcomeNeverSetsAnEndedJobRunningAgain() {
        // billing failed and was then completed by a replayed request while identity and orders still work.
        DeletionJob failed = job.apply(failed("billing", 1), T1).job();

        DeletionJob completedLate = failed.apply(completed("billing", 1, 3), T2).job();

        assertThat(completedLate.participants().get(0).state()).isEqualTo(ParticipantState.COMPLETED);
        assertThat(completedLate.state()).isEqualTo(JobState.FAILED);
        assertThat(completedLate.finishedAt()).isEqualTo(T1);
        assertThatThrownBy(() -> completedLate.retry(T3).job()).isInstanceOf(JobNotRetryableException.class);
        DeletionJob done = completedLate
                .apply(completed("identity", 1, 1), T3)
                .job()
                .apply(completed("orders", 1, 1), T3)
                .job();
        assertThat(done.state()).isEqualTo(JobState.PREVIEWED);
        assertThat(done.finishedAt()).isEqualTo(T3);
    }

    @Test
    void replayingTheSameHistoryGivesTheSameJob() {
        List<Step> history = List.of(
                event(j -> j.apply(completed("orders", 1, 4), T1).job()),
                event(j -> j.apply(failed("billing", 1), T2).job()),
                event(j -> j.timeOut(DUE).job()),
                decision(j -> j.retry(DUE.plusSeconds(10)).job()),
                event(j -> j.apply(failed("billing", 1), DUE.plusSeconds(11)).job()),
                event(j -> j.apply(completed("identity", 1, 2), DUE.plusSeconds(12))
                        .job()),
                event(j ->
                        j.apply(completed("billing", 2, 5), DUE.plusSeconds(13)).job()));

        DeletionJob first = job;
        DeletionJob second = job;
        DeletionJob doubled = job;
        for (Step step : history) {
            first = step.change().apply(first);
            second = step.change().apply(second);
            doubled = step.change().apply(doubled);
            if (step.redelivered()) {
                // Every outcome delivered twice, every deadline check run twice: the repeat changes nothing.
                doubled = step.change().apply(doubled);
            }
        }

        assertThat(first.state()).isEqualTo(JobState.PREVIEWED);
        assertThat(first.attempt()).isEqualTo(2);
        assertThat(first.totalRowsDeleted()).isEqualTo(11);
        assertThat(second).isEqualTo(first);
        assertThat(doubled).isEqualTo(first);
    }

    /** One step of a job's history; an operator's retry is a decision, not a delivered event, so it is not repeated. */
    private record Step(boolean redelivered, UnaryOperator<DeletionJob> change) {}

    private static Step event(UnaryOperator<DeletionJob> change) {
        return new Step(true, change);
    }

    private static Step decision(UnaryOperator<DeletionJob> change) {
        return new Step(false, change);
    }

    private static Map<String, ParticipantState> states(DeletionJob job) {
        return job.participants().stream()
                .collect(Collectors.toMap(ParticipantProgress::name, ParticipantProgress::state));
    }

    private ParticipantOutcome completed(String participant, int attempt, long rows) {
        return new ParticipantOutcome.Completed(
                job.id(),
                "acme",
                participant,
                attempt,
                Phase.PREVIEW,
                List.of(new TableCount("public.t", rows, 0)),
                0,
                T1);
    }

    private ParticipantOutcome failed(String participant, int attempt) {
        return new ParticipantOutcome.Failed(
                job.id(),
                "acme",
                participant,
                attempt,
                Phase.PREVIEW,
                new ParticipantError("SQL_ERROR", "lock timeout", "public.invoices", true),
                T1);
    }
}
