package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeletionJobTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);
    private static final Instant T3 = T0.plusSeconds(3);
    private static final DeletionRequest REQUEST = new DeletionRequest("req-1", "acme", "alice", "contract ended");

    private final DeletionJob job =
            DeletionJob.start(DeletionJobId.random(), REQUEST, List.of("orders", "billing", "identity"), T0);

    @Test
    void startsRunningWithEveryParticipantPendingInNameOrder() {
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.participantNames()).containsExactly("billing", "identity", "orders");
        assertThat(job.participants()).allMatch(p -> p.state() == ParticipantState.PENDING);
        assertThat(job.finishedAt()).isNull();
        assertThat(job.totalRowsDeleted()).isZero();
    }

    @Test
    void refusesToStartWithoutParticipants() {
        assertThatThrownBy(() -> DeletionJob.start(DeletionJobId.random(), REQUEST, List.of(), T0))
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

        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.finishedAt()).isEqualTo(T3);
        assertThat(done.totalRowsDeleted()).isEqualTo(15);
        assertThat(done.participants()).allMatch(p -> p.state() == ParticipantState.COMPLETED);
        assertThat(done.participants().get(0).tables()).containsExactly(new TableCount("public.t", 5, 0));
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
    void ignoresAnOutcomeOfAnotherAttempt() {
        Transition stale = job.apply(completed("orders", 0, 10), T1);

        assertThat(stale.effect()).isEqualTo(Transition.Effect.STALE_ATTEMPT);
        assertThat(stale.job()).isSameAs(job);
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
                job.id(), "globex", "orders", 1, List.of(new TableCount("public.t", 5, 0)), 0, T1);

        Transition transition = job.apply(outcome, T1);

        assertThat(transition.effect()).isEqualTo(Transition.Effect.OTHER_TENANT);
        assertThat(transition.job()).isSameAs(job);
        assertThat(transition.changed()).isFalse();
    }

    @Test
    void treatsACompletionWithRowsRemainingAsAFailure() {
        var outcome = new ParticipantOutcome.Completed(
                job.id(), "acme", "orders", 1, List.of(new TableCount("public.t", 5, 2)), 2, T1);

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

    private ParticipantOutcome completed(String participant, int attempt, long rows) {
        return new ParticipantOutcome.Completed(
                job.id(), "acme", participant, attempt, List.of(new TableCount("public.t", rows, 0)), 0, T1);
    }

    private ParticipantOutcome failed(String participant, int attempt) {
        return new ParticipantOutcome.Failed(
                job.id(),
                "acme",
                participant,
                attempt,
                new ParticipantError("SQL_ERROR", "lock timeout", "public.invoices", true),
                T1);
    }
}
