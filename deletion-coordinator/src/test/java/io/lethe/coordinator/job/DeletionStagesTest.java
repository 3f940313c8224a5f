package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Stages: each phase asks stage n+1 only after every participant of the stages before it completed the phase. */
class DeletionStagesTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Duration RETENTION = Duration.ofDays(30);

    /** Orders and billing first, identity last: users sign in to nothing only once their data is gone. */
    private static final List<ExpectedParticipant> STAGED = List.of(
            new ExpectedParticipant("identity", 1),
            new ExpectedParticipant("orders", 0),
            new ExpectedParticipant("billing", 0));

    private final DeletionJob job = DeletionJob.start(
            DeletionJobId.random(),
            new DeletionRequest("req-1", "acme", "alice", null, "contract ended", null, JobMode.DELETE, null, false),
            STAGED,
            DEADLINE,
            RETENTION,
            T0);

    @Test
    void startsWithTheLowestStageAskedAndTheLaterOnesWaitingWithoutDeadline() {
        assertThat(job.participantNames()).containsExactly("billing", "orders", "identity");
        assertThat(job.participants()).extracting(ParticipantProgress::stage).containsExactly(0, 0, 1);
        assertThat(states(job))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "billing", ParticipantState.PENDING,
                        "orders", ParticipantState.PENDING,
                        "identity", ParticipantState.WAITING));
        assertThat(job.requestedParticipants()).containsExactly("billing", "orders");
        assertThat(job.currentStage()).hasValue(0);
        assertThat(progressOf(job, "identity").deadlineAt()).isNull();
        assertThat(job.deadlineAt()).isEqualTo(T0.plus(DEADLINE));
    }

    @Test
    void asksTheNextStageOnlyWhenEveryParticipantOfTheStageBeforeCompleted() {
        Transition oneDone = job.apply(completed(job, "orders", 1, Phase.PREVIEW), at(1));
        assertThat(oneDone.asksParticipants()).isFalse();
        assertThat(states(oneDone.job())).containsEntry("identity", ParticipantState.WAITING);

        Transition stageDone = oneDone.job().apply(completed(job, "billing", 1, Phase.PREVIEW), at(2));

        DeletionJob next = stageDone.job();
        assertThat(stageDone.asksParticipants()).isTrue();
        assertThat(next.attempt()).isEqualTo(2);
        assertThat(next.requestedParticipants()).containsExactly("identity");
        assertThat(next.currentStage()).hasValue(1);
        assertThat(next.state()).isEqualTo(JobState.AWAITING_APPROVAL);
        assertThat(next.previewDone()).isFalse();
        assertThat(progressOf(next, "identity").deadlineAt()).isEqualTo(at(2).plus(DEADLINE));
        assertThat(progressOf(next, "orders").state()).isEqualTo(ParticipantState.COMPLETED);

        DeletionJob previewed =
                next.apply(completed(job, "identity", 2, Phase.PREVIEW), at(3)).job();
        assertThat(previewed.previewDone()).isTrue();
        assertThat(previewed.currentStage()).isEmpty();
        assertThat(previewed.lifecycle().currentPreview().orElseThrow().participants())
                .extracting(PhaseResult.ParticipantRows::name)
                .containsExactly("billing", "orders", "identity");
    }

    @Test
    void anOutcomeOfAParticipantWhoseStageWasNotAskedIsNotCounted() {
        Transition early = job.apply(completed(job, "identity", 1, Phase.PREVIEW), at(1));

        assertThat(early.effect()).isEqualTo(Transition.Effect.NOT_ASKED);
        assertThat(early.job()).isEqualTo(job);
    }

    @Test
    void everyPhaseStartsAgainWithTheLowestStage() {
        DeletionJob approved = previewed().approve("bob", "ok", null, at(10)).job();

        assertThat(approved.lifecycle().phase()).isEqualTo(Phase.SOFT);
        assertThat(approved.requestedParticipants()).containsExactly("billing", "orders");
        assertThat(states(approved)).containsEntry("identity", ParticipantState.WAITING);

        int softAttempt = approved.attempt();
        DeletionJob identityAsked = approved.apply(completed(approved, "billing", softAttempt, Phase.SOFT), at(11))
                .job()
                .apply(completed(approved, "orders", softAttempt, Phase.SOFT), at(12))
                .job();
        assertThat(identityAsked.requestedParticipants()).containsExactly("identity");
        assertThat(identityAsked.state()).isEqualTo(JobState.RUNNING);

        DeletionJob softDeleted = identityAsked
                .apply(completed(approved, "identity", identityAsked.attempt(), Phase.SOFT), at(13))
                .job();
        assertThat(softDeleted.state()).isEqualTo(JobState.SOFT_DELETED);
    }

    @Test
    void aFailureStopsThePhaseAtItsStageAndTheRetryAsksOnlyTheFailedOne() {
        DeletionJob failed = job.apply(completed(job, "orders", 1, Phase.PREVIEW), at(1))
                .job()
                .apply(failed(job, "billing", 1), at(2))
                .job();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(states(failed)).containsEntry("identity", ParticipantState.WAITING);

        DeletionJob retried = failed.retry(at(3)).job();
        assertThat(retried.requestedParticipants()).containsExactly("billing");
        assertThat(states(retried)).containsEntry("identity", ParticipantState.WAITING);

        Transition stageDone = retried.apply(completed(job, "billing", 2, Phase.PREVIEW), at(4));
        assertThat(stageDone.asksParticipants()).isTrue();
        assertThat(stageDone.job().attempt()).isEqualTo(3);
        assertThat(stageDone.job().requestedParticipants()).containsExactly("identity");
    }

    @Test
    void aLateCompletionOfAFailedJobAsksTheNextStageOnlyWhenRetried() {
        DeletionJob timedOut = job.apply(completed(job, "orders", 1, Phase.PREVIEW), at(1))
                .job()
                .timeOut(T0.plus(DEADLINE))
                .job();
        assertThat(timedOut.state()).isEqualTo(JobState.FAILED);

        Transition late = timedOut.apply(
                completed(job, "billing", 1, Phase.PREVIEW), T0.plus(DEADLINE).plusSeconds(1));
        assertThat(late.asksParticipants()).isFalse();
        assertThat(late.job().state()).isEqualTo(JobState.FAILED);
        assertThat(states(late.job())).containsEntry("identity", ParticipantState.WAITING);
        assertThat(late.job().deadlineAt()).isNull();

        Transition retried = late.job().retry(T0.plus(DEADLINE).plusSeconds(2));
        assertThat(retried.asksParticipants()).isTrue();
        assertThat(retried.job().state()).isEqualTo(JobState.AWAITING_APPROVAL);
        assertThat(retried.job().requestedParticipants()).containsExactly("identity");
    }

    @Test
    void aWaitingParticipantNeverTimesOutAndIsNotRetried() {
        DeletionJob timedOut = job.timeOut(T0.plus(DEADLINE)).job();

        assertThat(states(timedOut))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "billing", ParticipantState.TIMED_OUT,
                        "orders", ParticipantState.TIMED_OUT,
                        "identity", ParticipantState.WAITING));
        assertThat(timedOut.retry(T0.plus(DEADLINE).plusSeconds(1)).job().requestedParticipants())
                .containsExactly("billing", "orders");
    }

    @Test
    void stagesNeedNotBeConsecutive() {
        DeletionJob sparse = DeletionJob.start(
                DeletionJobId.random(),
                new DeletionRequest("req-2", "acme", "alice", null, "test data", null, JobMode.PREVIEW, null, false),
                List.of(new ExpectedParticipant("search", 7), new ExpectedParticipant("orders", 0)),
                DEADLINE,
                Duration.ZERO,
                T0);

        DeletionJob next = sparse.apply(completed(sparse, "orders", 1, Phase.PREVIEW), at(1))
                .job();

        assertThat(next.requestedParticipants()).containsExactly("search");
        assertThat(next.currentStage()).hasValue(7);
    }

    @Test
    void refusesAParticipantExpectedTwice() {
        assertThatThrownBy(() -> DeletionJob.start(
                        DeletionJobId.random(),
                        new DeletionRequest("req-3", "acme", "alice", null, "x", null, JobMode.PREVIEW, null, false),
                        List.of(new ExpectedParticipant("orders", 0), new ExpectedParticipant("orders", 1)),
                        DEADLINE,
                        Duration.ZERO,
                        T0))
                .hasMessageContaining("orders");
        assertThatThrownBy(() -> new ExpectedParticipant("orders", -1)).hasMessageContaining("stage");
    }

    private DeletionJob previewed() {
        DeletionJob identityAsked = job.apply(completed(job, "orders", 1, Phase.PREVIEW), at(1))
                .job()
                .apply(completed(job, "billing", 1, Phase.PREVIEW), at(2))
                .job();
        return identityAsked
                .apply(completed(job, "identity", identityAsked.attempt(), Phase.PREVIEW), at(3))
                .job();
    }

    private static ParticipantProgress progressOf(DeletionJob job, String name) {
        return job.participants().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, ParticipantState> states(DeletionJob job) {
        return job.participants().stream()
                .collect(Collectors.toMap(ParticipantProgress::name, ParticipantProgress::state));
    }

    private static ParticipantOutcome completed(DeletionJob of, String participant, int attempt, Phase phase) {
        return new ParticipantOutcome.Completed(
                of.id(), "acme", participant, attempt, phase, List.of(new TableCount("public.t", 3, 0)), 0, T0);
    }

    private static ParticipantOutcome failed(DeletionJob of, String participant, int attempt) {
        return new ParticipantOutcome.Failed(
                of.id(),
                "acme",
                participant,
                attempt,
                Phase.PREVIEW,
                new ParticipantError("SQL_ERROR", "lock timeout", "public.invoices", true),
                T0);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }
}
