package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionRequest;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.TableCount;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.JobState;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.ParticipantState;
import io.lethe.schemas.ParticipantStatus;
import io.lethe.schemas.RequestTenantDeletion;
import io.lethe.schemas.TableDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Maps between the job's domain records and the Avro contract. */
final class AvroJobMapper {

    private AvroJobMapper() {}

    static DeletionRequest request(RequestTenantDeletion command) {
        Long deadlineMs = command.getParticipantDeadlineMs();
        return new DeletionRequest(
                command.getRequestId(),
                command.getTenantId(),
                command.getRequestedBy(),
                command.getReason(),
                deadlineMs == null ? null : Duration.ofMillis(deadlineMs));
    }

    static ParticipantOutcome outcome(SpecificRecord message) {
        if (message instanceof ParticipantDeletionCompleted completed) {
            return new ParticipantOutcome.Completed(
                    DeletionJobId.parse(completed.getJobId()),
                    completed.getTenantId(),
                    completed.getParticipant(),
                    completed.getAttempt(),
                    completed.getTables().stream()
                            .map(AvroJobMapper::tableCount)
                            .toList(),
                    completed.getRowsRemaining(),
                    completed.getFinishedAt());
        }
        if (message instanceof ParticipantDeletionFailed failed) {
            return new ParticipantOutcome.Failed(
                    DeletionJobId.parse(failed.getJobId()),
                    failed.getTenantId(),
                    failed.getParticipant(),
                    failed.getAttempt(),
                    new ParticipantError(
                            failed.getErrorCode(), failed.getMessage(), failed.getTable(), failed.getRetryable()),
                    failed.getAt());
        }
        throw new IllegalArgumentException(
                "not an outcome: " + message.getClass().getName());
    }

    /**
     * The job's latest request: it names only the participants asked in it (after a retry, the failed and timed-out
     * ones), and participants ignore requests that do not name them.
     */
    static TenantDeletionRequested requested(DeletionJob job) {
        return new TenantDeletionRequested(
                job.id().toString(), job.tenantId(), job.requestedParticipants(), job.updatedAt(), job.attempt());
    }

    static DeletionJobStatus status(DeletionJob job) {
        return DeletionJobStatus.newBuilder()
                .setJobId(job.id().toString())
                .setTenantId(job.tenantId())
                .setState(JobState.valueOf(job.state().name()))
                .setRequestId(job.requestId())
                .setRequestedBy(job.requestedBy())
                .setReason(job.reason())
                .setAttempt(job.attempt())
                .setParticipants(job.participants().stream()
                        .map(AvroJobMapper::participantStatus)
                        .toList())
                .setTotalRowsDeleted(job.totalRowsDeleted())
                .setCreatedAt(job.createdAt())
                .setUpdatedAt(job.updatedAt())
                .setFinishedAt(job.finishedAt())
                .setDeadlineAt(job.deadlineAt())
                .build();
    }

    private static ParticipantStatus participantStatus(ParticipantProgress progress) {
        ParticipantError error = progress.error();
        return ParticipantStatus.newBuilder()
                .setName(progress.name())
                .setState(ParticipantState.valueOf(progress.state().name()))
                .setTables(tableDeletions(progress.tables()))
                .setRowsDeleted(progress.rowsDeleted())
                .setError(
                        error == null
                                ? null
                                : new io.lethe.schemas.ParticipantError(
                                        error.code(), error.message(), error.table(), error.retryable()))
                .setFinishedAt(progress.finishedAt())
                .setAttempt(progress.attempt())
                .setDeadlineAt(progress.deadlineAt())
                .build();
    }

    private static List<TableDeletion> tableDeletions(List<TableCount> tables) {
        return tables.stream()
                .map(t -> new TableDeletion(t.table(), t.rowsDeleted(), t.rowsRemaining()))
                .toList();
    }

    private static TableCount tableCount(TableDeletion table) {
        return new TableCount(table.getTable(), table.getRowsDeleted(), table.getRowsRemaining());
    }
}
