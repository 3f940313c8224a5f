package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Re-verification (mode VERIFY) of a hard-deleted job: every participant counts what is left, nothing changes. */
class DeletionVerificationTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final List<ExpectedParticipant> PARTICIPANTS =
            List.of(new ExpectedParticipant("orders", 0), new ExpectedParticipant("identity", 1));

    private final DeletionJob deleted = hardDeleted();

    @Test
    void startsRunningItsOnlyPhaseWithoutApprovalAndNamesTheVerifiedJob() {
        DeletionJob verification = verification(deleted);

        assertThat(verification.state()).isEqualTo(JobState.RUNNING);
        assertThat(verification.tenantId()).isEqualTo("acme");
        assertThat(verification.lifecycle().mode()).isEqualTo(JobMode.VERIFY);
        assertThat(verification.lifecycle().phase()).isEqualTo(Phase.VERIFY);
        assertThat(verification.lifecycle().verifies()).isEqualTo(deleted.id());
        assertThat(verification.lifecycle().approvalsRequired()).isEqualTo(1);
        assertThat(verification.requestedParticipants()).containsExactly("orders");
        assertThatThrownBy(() -> verification.approve("bob", "ok", null, at(1)))
                .isInstanceOf(JobStateConflictException.class);
    }

    @Test
    void endsVerifiedWhenEveryParticipantCountedNothingLeft() {
        DeletionJob verification = verification(deleted);

        DeletionJob stageOneAsked =
                verification.apply(counted(verification, "orders", 1, 0), at(1)).job();
        DeletionJob done = stageOneAsked
                .apply(counted(verification, "identity", 2, 0), at(2))
                .job();

        assertThat(done.state()).isEqualTo(JobState.VERIFIED);
        assertThat(done.finishedAt()).isEqualTo(at(2));
        assertThat(done.lifecycle().last(Phase.VERIFY)).isPresent();
    }

    @Test
    void aParticipantThatFindsRowsLeftFailsItAndARetryCountsAgain() {
        DeletionJob verification = verification(deleted);

        DeletionJob found =
                verification.apply(counted(verification, "orders", 1, 3), at(1)).job();

        assertThat(found.state()).isEqualTo(JobState.FAILED);
        ParticipantProgress orders = found.participants().get(0);
        assertThat(orders.error().code()).isEqualTo("ROWS_REMAINING");
        assertThat(orders.tables()).singleElement().satisfies(table -> assertThat(table.rowsRemaining())
                .isEqualTo(3));
        Transition retried = found.retry(at(2));
        assertThat(retried.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(retried.job().requestedParticipants()).containsExactly("orders");
    }

    @Test
    void onlyAHardDeletedDeletionCanBeVerified() {
        DeletionJob notDeleted = DeletionJob.start(
                DeletionJobId.random(),
                new DeletionRequest("req-2", "acme", "alice", "contract ended"),
                PARTICIPANTS,
                DEADLINE,
                Duration.ofDays(30),
                T0);

        assertThatThrownBy(() -> verification(notDeleted))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("only a hard-deleted (COMPLETED) deletion can be re-verified");
        DeletionJob verification = verification(deleted);
        assertThatThrownBy(() -> verification(verification)).isInstanceOf(JobStateConflictException.class);
    }

    @Test
    void aRequestCannotAskForVerifyItself() {
        assertThatThrownBy(() ->
                        new DeletionRequest("req-3", "acme", "alice", null, "check", null, JobMode.VERIFY, null, false))
                .isInstanceOfSatisfying(InvalidDeletionRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("mode"))
                .hasMessageContaining("/verifications");
    }

    private static DeletionJob verification(DeletionJob verified) {
        return DeletionJob.verification(
                DeletionJobId.random(), verified, "verify-1", "audrey", "yearly audit", PARTICIPANTS, DEADLINE, at(0));
    }

    /** A deletion taken through preview, approval, soft delete and an immediate hard delete. */
    private static DeletionJob hardDeleted() {
        DeletionJob job = DeletionJob.start(
                DeletionJobId.random(),
                new DeletionRequest("req-1", "acme", "alice", null, "contract ended", null, JobMode.DELETE, null, true),
                PARTICIPANTS,
                DEADLINE,
                Duration.ZERO,
                T0);
        job = bothStages(job, Phase.PREVIEW);
        job = job.approve("bob", "ok", null, T0)
                .job()
                .approve("carol", "ok", null, T0)
                .job();
        job = bothStages(job, Phase.SOFT);
        job = bothStages(job.startHardDelete(T0).job(), Phase.HARD);
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        return job;
    }

    private static DeletionJob bothStages(DeletionJob job, Phase phase) {
        DeletionJob next =
                job.apply(completed(job, "orders", job.attempt(), phase), T0).job();
        return next.apply(completed(next, "identity", next.attempt(), phase), T0)
                .job();
    }

    private static ParticipantOutcome completed(DeletionJob job, String participant, int attempt, Phase phase) {
        return new ParticipantOutcome.Completed(
                job.id(), "acme", participant, attempt, phase, List.of(new TableCount("public.t", 4, 0)), 0, T0);
    }

    private static ParticipantOutcome counted(DeletionJob job, String participant, int attempt, long left) {
        return new ParticipantOutcome.Completed(
                job.id(),
                "acme",
                participant,
                attempt,
                Phase.VERIFY,
                List.of(new TableCount("public.t", 0, left)),
                left,
                T0);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }
}
