package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.Approval;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.JobMode;
import io.lethe.coordinator.job.JobScope;
import io.lethe.coordinator.job.JobState;
import io.lethe.coordinator.job.Lifecycle;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.ParticipantState;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.PhaseResult;
import io.lethe.coordinator.job.TableCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A job as JSON: the same content as its {@code DeletionJobStatus} on the status topic, plus its tenant's active legal
 * hold (described), if any. {@code stage} is the stage the phase has reached, {@code null} once every participant
 * completed it.
 */
record DeletionJobView(
        String jobId,
        String tenantId,
        JobScope scope,
        JobState state,
        JobMode mode,
        Phase phase,
        String requestId,
        String requestedBy,
        String onBehalfOf,
        String reason,
        int attempt,
        Integer stage,
        List<ParticipantView> participants,
        long totalRowsDeleted,
        int previewRound,
        int approvalsRequired,
        List<Approval> approvals,
        boolean immediate,
        Duration retention,
        Instant retentionUntil,
        String legalHold,
        String verifiesJobId,
        List<PhaseResult> phases,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        Instant deadlineAt) {

    static DeletionJobView of(DeletionJob job, String legalHold) {
        Lifecycle lifecycle = job.lifecycle();
        return new DeletionJobView(
                job.id().toString(),
                job.tenantId(),
                job.scope(),
                job.state(),
                lifecycle.mode(),
                lifecycle.phase(),
                job.requestId(),
                job.requestedBy(),
                job.onBehalfOf(),
                job.reason(),
                job.attempt(),
                job.currentStage().isPresent() ? job.currentStage().getAsInt() : null,
                job.participants().stream().map(ParticipantView::of).toList(),
                job.totalRowsDeleted(),
                lifecycle.previewRound(),
                lifecycle.approvalsRequired(),
                lifecycle.approvals(),
                lifecycle.immediate(),
                lifecycle.retention(),
                lifecycle.retentionUntil(),
                legalHold,
                lifecycle.verifies() == null ? null : lifecycle.verifies().toString(),
                lifecycle.phases(),
                job.createdAt(),
                job.updatedAt(),
                job.finishedAt(),
                job.deadlineAt());
    }

    record ParticipantView(
            String name,
            int stage,
            ParticipantState state,
            List<TableCount> tables,
            long rowsDeleted,
            ParticipantError error,
            Instant finishedAt,
            int attempt,
            Instant deadlineAt,
            List<String> notFound,
            List<String> otherTenant) {

        static ParticipantView of(ParticipantProgress progress) {
            return new ParticipantView(
                    progress.name(),
                    progress.stage(),
                    progress.state(),
                    progress.tables(),
                    progress.rowsDeleted(),
                    progress.error(),
                    progress.finishedAt(),
                    progress.attempt(),
                    progress.deadlineAt(),
                    progress.notFound(),
                    progress.otherTenant());
        }
    }
}
