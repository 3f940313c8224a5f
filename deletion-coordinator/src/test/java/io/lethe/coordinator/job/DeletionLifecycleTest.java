package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A deletion's phases: preview, approval, soft delete, retention, hard delete or restore; drift and rejection. */
class DeletionLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Duration RETENTION = Duration.ofDays(30);

    private final DeletionJob job = start(false);

    @Test
    void aDeletionStartsAwaitingApprovalWhileEveryParticipantPreviews() {
        assertThat(job.state()).isEqualTo(JobState.AWAITING_APPROVAL);
        assertThat(job.lifecycle().phase()).isEqualTo(Phase.PREVIEW);
        assertThat(job.lifecycle().previewRound()).isEqualTo(1);
        assertThat(job.lifecycle().approvalsRequired()).isEqualTo(1);
        assertThat(job.previewDone()).isFalse();
        assertThat(job.finishedAt()).isNull();
        assertThatThrownBy(() -> job.approve("bob", "ok", null, at(1)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("preview (round 1) is still running")
                .hasMessageContaining("billing");
    }

    @Test
    void aFinishedPreviewWaitsForApprovalWithItsCounts() {
        DeletionJob previewed = previewed(job);

        assertThat(previewed.state()).isEqualTo(JobState.AWAITING_APPROVAL);
        assertThat(previewed.previewDone()).isTrue();
        assertThat(previewed.lifecycle().currentPreview()).hasValueSatisfying(preview -> {
            assertThat(preview.rows()).isEqualTo(15);
            assertThat(preview.participants())
                    .extracting(PhaseResult.ParticipantRows::name)
                    .containsExactly("billing", "orders");
        });
        assertThat(previewed.finishedAt()).isNull();
    }

    @Test
    void theRequesterCannotApproveTheirOwnJob() {
        assertThatThrownBy(() -> previewed(job).approve("alice", "looks right", null, at(3)))
                .isInstanceOf(FourEyesViolationException.class)
                .hasMessageContaining("alice requested job " + job.id());
    }

    @Test
    void anApprovalStartsTheSoftDeleteWithANewAttemptOfEveryParticipant() {
        Transition approved = previewed(job).approve("bob", "checked with legal", null, at(3));

        DeletionJob soft = approved.job();
        assertThat(approved.asksParticipants()).isTrue();
        assertThat(soft.state()).isEqualTo(JobState.RUNNING);
        assertThat(soft.lifecycle().phase()).isEqualTo(Phase.SOFT);
        assertThat(soft.attempt()).isEqualTo(2);
        assertThat(soft.requestedParticipants()).containsExactly("billing", "orders");
        assertThat(soft.participants()).allMatch(p -> p.state() == ParticipantState.PENDING && p.attempt() == 2);
        assertThat(soft.lifecycle().approvals()).singleElement().satisfies(approval -> {
            assertThat(approval.approver()).isEqualTo("bob");
            assertThat(approval.decision()).isEqualTo(Approval.Decision.APPROVED);
            assertThat(approval.comment()).isEqualTo("checked with legal");
            assertThat(approval.automatic()).isFalse();
            assertThat(approval.previewRows()).isEqualTo(15);
        });
    }

    @Test
    void aCompletedSoftDeleteKeepsTheDataRestorableUntilTheRetentionEnds() {
        DeletionJob soft = softDeleted(job);

        assertThat(soft.state()).isEqualTo(JobState.SOFT_DELETED);
        assertThat(soft.state().isActive()).isTrue();
        assertThat(soft.finishedAt()).isNull();
        assertThat(soft.lifecycle().retentionUntil()).isEqualTo(at(5).plus(RETENTION));
        assertThat(soft.lifecycle().phases()).extracting(PhaseResult::phase).containsExactly(Phase.PREVIEW, Phase.SOFT);
    }

    @Test
    void answersOfAnEarlierPhaseChangeNothing() {
        DeletionJob soft = previewed(job).approve("bob", "ok", null, at(3)).job();

        Transition latePreview = soft.apply(completed("orders", 1, Phase.PREVIEW, 10), at(4));

        assertThat(latePreview.effect()).isEqualTo(Transition.Effect.STALE_PHASE);
        assertThat(latePreview.job()).isSameAs(soft);
    }

    @Test
    void theHardDeleteIsRefusedWithoutACompletedSoftDeleteAndBeforeTheRetentionEnds() {
        assertThatThrownBy(() -> previewed(job).startHardDelete(at(3)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("AWAITING_APPROVAL")
                .hasMessageContaining("a hard delete needs a completed soft delete");
        DeletionJob soft = softDeleted(job);
        Instant retentionUntil = soft.lifecycle().retentionUntil();
        assertThatThrownBy(() -> soft.startHardDelete(retentionUntil.minusMillis(1)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("retention window runs until " + retentionUntil);

        Transition hard = soft.startHardDelete(retentionUntil);

        assertThat(hard.asksParticipants()).isTrue();
        assertThat(hard.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(hard.job().lifecycle().phase()).isEqualTo(Phase.HARD);
        assertThat(hard.job().attempt()).isEqualTo(3);
    }

    @Test
    void aHardDeleteCompletesTheJobAndRestoreIsRefusedOnceItStarted() {
        DeletionJob soft = softDeleted(job);
        Instant end = soft.lifecycle().retentionUntil();
        DeletionJob hard = soft.startHardDelete(end).job();
        assertThatThrownBy(() -> hard.restore("olga", end.plusSeconds(1)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("hard delete started")
                .hasMessageContaining("cannot be restored");

        DeletionJob done = hard.apply(completed("billing", 3, Phase.HARD, 5), end.plusSeconds(2))
                .job()
                .apply(completed("orders", 3, Phase.HARD, 10), end.plusSeconds(3))
                .job();

        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.finishedAt()).isEqualTo(end.plusSeconds(3));
        assertThat(done.totalRowsDeleted()).isEqualTo(15);
        assertThatThrownBy(() -> done.restore("olga", end.plusSeconds(4)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("hard-deleted at " + end.plusSeconds(3))
                .hasMessageContaining("cannot be restored");
    }

    @Test
    void aRestoreDuringTheRetentionWindowEndsRestored() {
        DeletionJob soft = softDeleted(job);

        Transition restoring = soft.restore("olga", at(6));
        DeletionJob restored = restoring
                .job()
                .apply(completed("billing", 3, Phase.RESTORE, 5), at(7))
                .job()
                .apply(completed("orders", 3, Phase.RESTORE, 10), at(8))
                .job();

        assertThat(restoring.asksParticipants()).isTrue();
        assertThat(restoring.job().lifecycle().phase()).isEqualTo(Phase.RESTORE);
        assertThat(restored.state()).isEqualTo(JobState.RESTORED);
        assertThat(restored.state().isActive()).isFalse();
        assertThat(restored.finishedAt()).isEqualTo(at(8));
        assertThatThrownBy(() -> restored.startHardDelete(at(9).plus(RETENTION)))
                .isInstanceOf(JobStateConflictException.class);
        assertThatThrownBy(() -> restored.restore("olga", at(9)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("restored at " + at(8) + " already");
    }

    @Test
    void anImmediateDeletionNeedsTwoApproversOtherThanTheRequesterAndSkipsTheRetention() {
        DeletionJob immediate = previewed(start(true));
        assertThat(immediate.lifecycle().approvalsRequired()).isEqualTo(2);

        DeletionJob once = immediate.approve("bob", "ok", null, at(3)).job();
        assertThat(once.state()).isEqualTo(JobState.AWAITING_APPROVAL);
        assertThatThrownBy(() -> once.approve("bob", "again", null, at(3)))
                .isInstanceOf(FourEyesViolationException.class)
                .hasMessageContaining("2 different approvers");
        assertThatThrownBy(() -> once.approve("alice", "mine", null, at(3)))
                .isInstanceOf(FourEyesViolationException.class);

        DeletionJob soft = once.approve("carol", "ok too", null, at(4)).job();
        assertThat(soft.lifecycle().phase()).isEqualTo(Phase.SOFT);
        DeletionJob hidden = soft.apply(completed("billing", 2, Phase.SOFT, 5), at(5))
                .job()
                .apply(completed("orders", 2, Phase.SOFT, 10), at(5))
                .job();
        assertThat(hidden.state()).isEqualTo(JobState.SOFT_DELETED);
        assertThat(hidden.lifecycle().retentionUntil()).isEqualTo(at(5));
    }

    @Test
    void aDriftSendsTheJobBackToANewPreviewAndAnotherApproval() {
        DeletionJob soft = previewed(job).approve("bob", "ok", null, at(3)).job();
        var drift = new ParticipantOutcome.Failed(
                job.id(),
                "acme",
                "orders",
                2,
                Phase.SOFT,
                new ParticipantError("PREVIEW_DRIFT", "public.orders: 50 rows, 10 approved", null, false),
                at(4));

        Transition transition = soft.apply(drift, at(4));

        DeletionJob again = transition.job();
        assertThat(transition.asksParticipants()).isTrue();
        assertThat(again.state()).isEqualTo(JobState.AWAITING_APPROVAL);
        assertThat(again.lifecycle().phase()).isEqualTo(Phase.PREVIEW);
        assertThat(again.lifecycle().previewRound()).isEqualTo(2);
        assertThat(again.lifecycle().currentApprovals()).isEmpty();
        assertThat(again.previewDone()).isFalse();
        assertThat(again.apply(completed("orders", 1, Phase.PREVIEW, 10), at(5)).effect())
                .as("a preview of round 1")
                .isEqualTo(Transition.Effect.STALE_ATTEMPT);
        DeletionJob previewedAgain = again.apply(completed("billing", 3, Phase.PREVIEW, 5), at(5))
                .job()
                .apply(completed("orders", 3, Phase.PREVIEW, 50), at(5))
                .job();
        assertThat(previewedAgain.lifecycle().currentPreview())
                .hasValueSatisfying(p -> assertThat(p.rows()).isEqualTo(55));
        assertThat(previewedAgain
                        .approve("bob", "the new count", null, at(6))
                        .job()
                        .lifecycle()
                        .phase())
                .isEqualTo(Phase.SOFT);
    }

    @Test
    void aDriftDuringTheHardDeleteIsAFailureNotANewRound() {
        DeletionJob soft = softDeleted(job);
        DeletionJob hard =
                soft.startHardDelete(soft.lifecycle().retentionUntil()).job();
        var drift = new ParticipantOutcome.Failed(
                job.id(),
                "acme",
                "orders",
                3,
                Phase.HARD,
                new ParticipantError("PREVIEW_DRIFT", "public.orders: 50 rows, 10 approved", null, false),
                at(9));

        DeletionJob failed = hard.apply(drift, soft.lifecycle().retentionUntil().plusSeconds(1))
                .job();

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.lifecycle().phase()).isEqualTo(Phase.HARD);
        assertThatThrownBy(() -> failed.restore("olga", at(10)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("cannot be restored");
    }

    @Test
    void rejectingAfterADriftRestoresWhatTheFirstSoftDeleteMayHaveHidden() {
        DeletionJob soft = previewed(job).approve("bob", "ok", null, at(3)).job();
        var drift = new ParticipantOutcome.Failed(
                job.id(),
                "acme",
                "orders",
                2,
                Phase.SOFT,
                new ParticipantError("PREVIEW_DRIFT", "public.orders: 50 rows, 10 approved", null, false),
                at(4));
        DeletionJob again = soft.apply(drift, at(4)).job();
        assertThat(again.lifecycle().softDeleteStarted()).isTrue();

        Transition rejected = again.reject("carol", "too many rows now", at(5));

        assertThat(rejected.asksParticipants()).isTrue();
        assertThat(rejected.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(rejected.job().lifecycle().phase()).isEqualTo(Phase.RESTORE);
        assertThat(rejected.job().lifecycle().restoredBy()).isEqualTo("carol");
        assertThat(job.reject("carol", "no", at(1)).job().state())
                .as("a rejection before any soft delete changes nothing")
                .isEqualTo(JobState.REJECTED);
    }

    @Test
    void anApprovalOfAnotherPreviewRoundOrByThePersonACommandSpeaksForIsRefused() {
        DeletionJob previewed = previewed(job);
        assertThatThrownBy(() -> previewed.approve("bob", "ok", 2, at(3)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("preview round 2")
                .hasMessageContaining("round 1");
        assertThat(previewed.approve("bob", "ok", 1, at(3)).job().lifecycle().phase())
                .isEqualTo(Phase.SOFT);

        var command = new DeletionRequest(
                "req-2",
                "acme",
                "deletion-commands-topic",
                "dora",
                "contract ended",
                null,
                JobMode.DELETE,
                null,
                false);
        DeletionJob fromCommand = previewed(DeletionJob.start(
                DeletionJobId.random(),
                command,
                TestParticipants.stageZero("orders", "billing"),
                DEADLINE,
                RETENTION,
                T0));
        assertThatThrownBy(() -> fromCommand.approve("dora", "mine", null, at(3)))
                .isInstanceOf(FourEyesViolationException.class);
    }

    @Test
    void aDeletionWithoutRetentionWindowIsImmediateAndNeedsTwoApprovers() {
        var request = new DeletionRequest(
                "req-3", "acme", "alice", null, "contract ended", null, JobMode.DELETE, null, false);
        DeletionJob noWindow = DeletionJob.start(
                DeletionJobId.random(),
                request,
                TestParticipants.stageZero("orders", "billing"),
                DEADLINE,
                Duration.ZERO,
                T0);

        assertThat(noWindow.lifecycle().immediate()).isTrue();
        assertThat(noWindow.lifecycle().approvalsRequired()).isEqualTo(2);
        assertThat(new ApprovalPolicy(Set.of("alice"), 1000, 0.1, 10).automaticApproval(previewed(noWindow)))
                .isEmpty();
    }

    @Test
    void aRejectedJobEndsAndCannotBeApprovedAfterwards() {
        DeletionJob rejected = job.reject("bob", "wrong tenant", at(1)).job();

        assertThat(rejected.state()).isEqualTo(JobState.REJECTED);
        assertThat(rejected.finishedAt()).isEqualTo(at(1));
        assertThat(rejected.lifecycle().approvals())
                .singleElement()
                .satisfies(decision -> assertThat(decision.decision()).isEqualTo(Approval.Decision.REJECTED));
        assertThatThrownBy(() -> rejected.approve("carol", "ok", null, at(2)))
                .isInstanceOf(JobStateConflictException.class)
                .hasMessageContaining("REJECTED");
    }

    @Test
    void rulesApproveARequesterListedOrASmallPreviewButNeverAnImmediateDeletion() {
        DeletionJob previewed = previewed(job);

        assertThat(new ApprovalPolicy(Set.of("alice"), -1, 0.1, 10).automaticApproval(previewed))
                .hasValueSatisfying(why -> assertThat(why).contains("requester alice is listed"));
        assertThat(new ApprovalPolicy(Set.of(), 15, 0.1, 10).automaticApproval(previewed))
                .hasValueSatisfying(why -> assertThat(why).contains("15 rows, at most"));
        assertThat(new ApprovalPolicy(Set.of(), 14, 0.1, 10).automaticApproval(previewed))
                .isEmpty();
        assertThat(ApprovalPolicy.manual().automaticApproval(previewed)).isEmpty();
        assertThat(new ApprovalPolicy(Set.of("alice"), 1000, 0.1, 10).automaticApproval(previewed(start(true))))
                .isEmpty();

        DeletionJob auto = previewed
                .approveAutomatically("requester alice is listed", at(3))
                .job();
        assertThat(auto.lifecycle().phase()).isEqualTo(Phase.SOFT);
        assertThat(auto.lifecycle().approvals()).singleElement().satisfies(approval -> {
            assertThat(approval.automatic()).isTrue();
            assertThat(approval.approver()).isEqualTo(Approval.AUTOMATIC_APPROVER);
        });
    }

    @Test
    void retentionOutOfBoundsIsRefusedNamingTheField() {
        var policy = new RetentionPolicy(Duration.ofDays(30), Duration.ofDays(1), Duration.ofDays(365));

        assertThat(policy.resolve(null)).isEqualTo(Duration.ofDays(30));
        assertThat(policy.resolve(Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> policy.resolve(Duration.ofHours(1)))
                .isInstanceOfSatisfying(InvalidDeletionRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("retention"))
                .hasMessageContaining("immediate");
        assertThatThrownBy(() -> new RetentionPolicy(Duration.ofDays(400), Duration.ofDays(1), Duration.ofDays(365)))
                .hasMessageContaining("default");
    }

    private static DeletionJob start(boolean immediate) {
        var request = new DeletionRequest(
                "req-1", "acme", "alice", null, "contract ended", null, JobMode.DELETE, null, immediate);
        return DeletionJob.start(
                DeletionJobId.random(),
                request,
                TestParticipants.stageZero("orders", "billing"),
                DEADLINE,
                RETENTION,
                T0);
    }

    private DeletionJob previewed(DeletionJob started) {
        return started.apply(completed(started, "billing", 1, Phase.PREVIEW, 5), at(1))
                .job()
                .apply(completed(started, "orders", 1, Phase.PREVIEW, 10), at(2))
                .job();
    }

    private DeletionJob softDeleted(DeletionJob started) {
        return previewed(started)
                .approve("bob", "ok", null, at(3))
                .job()
                .apply(completed("billing", 2, Phase.SOFT, 5), at(4))
                .job()
                .apply(completed("orders", 2, Phase.SOFT, 10), at(5))
                .job();
    }

    private ParticipantOutcome completed(String participant, int attempt, Phase phase, long rows) {
        return completed(job, participant, attempt, phase, rows);
    }

    private static ParticipantOutcome completed(
            DeletionJob of, String participant, int attempt, Phase phase, long rows) {
        return new ParticipantOutcome.Completed(
                of.id(), "acme", participant, attempt, phase, List.of(new TableCount("public.t", rows, 0)), 0, T0);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }
}
