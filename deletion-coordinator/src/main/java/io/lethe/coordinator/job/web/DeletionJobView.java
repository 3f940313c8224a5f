package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.JobState;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.ParticipantState;
import io.lethe.coordinator.job.TableCount;
import java.time.Instant;
import java.util.List;

/** A job as JSON: the same content as its {@code DeletionJobStatus} on the status topic. */
record DeletionJobView(
        String jobId,
        String tenantId,
        JobState state,
        String requestId,
        String requestedBy,
        String reason,
        int attempt,
        List<ParticipantView> participants,
        long totalRowsDeleted,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        Instant deadlineAt) {

    static DeletionJobView of(DeletionJob job) {
        return new DeletionJobView(
                job.id().toString(),
                job.tenantId(),
                job.state(),
                job.requestId(),
                job.requestedBy(),
                job.reason(),
                job.attempt(),
                job.participants().stream().map(ParticipantView::of).toList(),
                job.totalRowsDeleted(),
                job.createdAt(),
                job.updatedAt(),
                job.finishedAt(),
                job.deadlineAt());
    }

    record ParticipantView(
            String name,
            ParticipantState state,
            List<TableCount> tables,
            long rowsDeleted,
            ParticipantError error,
            Instant finishedAt,
            int attempt,
            Instant deadlineAt) {

        static ParticipantView of(ParticipantProgress progress) {
            return new ParticipantView(
                    progress.name(),
                    progress.state(),
                    progress.tables(),
                    progress.rowsDeleted(),
                    progress.error(),
                    progress.finishedAt(),
                    progress.attempt(),
                    progress.deadlineAt());
        }
    }
}
