package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.job.ApprovalPolicy;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionRequest;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.JobScope;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.TableCount;
import io.lethe.schemas.Approval;
import io.lethe.schemas.ApprovalDecision;
import io.lethe.schemas.ApprovedRows;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.DeletionScope;
import io.lethe.schemas.JobMode;
import io.lethe.schemas.JobState;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.ParticipantRows;
import io.lethe.schemas.ParticipantState;
import io.lethe.schemas.ParticipantStatus;
import io.lethe.schemas.PhaseResult;
import io.lethe.schemas.RequestTenantDeletion;
import io.lethe.schemas.TableDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Maps between the job's domain records and the Avro contract. */
final class AvroJobMapper {

    private AvroJobMapper() {}

    /**
     * A command as a request of the commands principal: the command's own {@code requestedBy} is what its sender
     * claims, kept as {@code onBehalfOf}.
     */
    static DeletionRequest request(RequestTenantDeletion command, String commandsPrincipal) {
        Long deadlineMs = command.getParticipantDeadlineMs();
        Long retentionMs = command.getRetentionMs();
        return new DeletionRequest(
                command.getRequestId(),
                command.getTenantId(),
                commandsPrincipal,
                command.getRequestedBy(),
                command.getReason(),
                deadlineMs == null ? null : Duration.ofMillis(deadlineMs),
                mode(command.getMode()),
                retentionMs == null ? null : Duration.ofMillis(retentionMs),
                command.getImmediate(),
                scope(command.getScope()));
    }

    private static JobScope scope(DeletionScope scope) {
        return scope == null ? null : new JobScope(scope.getParticipant(), scope.getTable(), scope.getIds());
    }

    private static DeletionScope scope(JobScope scope) {
        return scope == null ? null : new DeletionScope(scope.participant(), scope.table(), scope.ids());
    }

    private static io.lethe.coordinator.job.JobMode mode(JobMode mode) {
        return switch (mode) {
            case DELETE -> io.lethe.coordinator.job.JobMode.DELETE;
            case PREVIEW -> io.lethe.coordinator.job.JobMode.PREVIEW;
            case VERIFY ->
                throw new InvalidDeletionRequestException(
                        "mode",
                        "VERIFY is asked over REST (POST /api/v1/deletion-jobs/{jobId}/verifications), not by a"
                                + " command");
            case UNKNOWN ->
                throw new InvalidDeletionRequestException(
                        "mode", "must be DELETE or PREVIEW; this coordinator does not know the sender's mode");
        };
    }

    private static Phase phase(DeletionPhase phase) {
        return switch (phase) {
            case PREVIEW -> Phase.PREVIEW;
            case SOFT -> Phase.SOFT;
            case HARD -> Phase.HARD;
            case RESTORE -> Phase.RESTORE;
            case VERIFY -> Phase.VERIFY;
            case UNKNOWN -> throw new IllegalArgumentException("an outcome of a phase this coordinator does not know");
        };
    }

    static ParticipantOutcome outcome(SpecificRecord message) {
        if (message instanceof ParticipantDeletionCompleted completed) {
            return new ParticipantOutcome.Completed(
                    DeletionJobId.parse(completed.getJobId()),
                    completed.getTenantId(),
                    completed.getParticipant(),
                    completed.getAttempt(),
                    phase(completed.getPhase()),
                    completed.getTables().stream()
                            .map(AvroJobMapper::tableCount)
                            .toList(),
                    completed.getRowsRemaining(),
                    completed.getFinishedAt(),
                    completed.getNotFound(),
                    completed.getOtherTenant());
        }
        if (message instanceof ParticipantDeletionFailed failed) {
            return new ParticipantOutcome.Failed(
                    DeletionJobId.parse(failed.getJobId()),
                    failed.getTenantId(),
                    failed.getParticipant(),
                    failed.getAttempt(),
                    phase(failed.getPhase()),
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
    static TenantDeletionRequested requested(DeletionJob job, ApprovalPolicy approval) {
        Phase phase = job.lifecycle().phase();
        boolean bound = phase == Phase.SOFT;
        return TenantDeletionRequested.newBuilder()
                .setJobId(job.id().toString())
                .setTenantId(job.tenantId())
                .setExpectedParticipants(job.requestedParticipants())
                .setRequestedAt(job.updatedAt())
                .setAttempt(job.attempt())
                .setPhase(DeletionPhase.valueOf(phase.name()))
                .setApprovedPreview(bound ? approvedPreview(job) : List.of())
                .setScope(scope(job.scope()))
                .setDriftRatio(approval.driftRatio())
                .setDriftMinRows(approval.driftMinRows())
                .build();
    }

    /** The preview the soft and hard deletes were approved on, as every participant reported it. */
    private static List<ApprovedRows> approvedPreview(DeletionJob job) {
        return job.lifecycle().currentPreview().stream()
                .flatMap(preview -> preview.participants().stream())
                .flatMap(participant -> participant.tables().stream()
                        .map(table -> new ApprovedRows(participant.name(), table.table(), table.rowsDeleted())))
                .toList();
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
                .setMode(JobMode.valueOf(job.lifecycle().mode().name()))
                .setPhase(DeletionPhase.valueOf(job.lifecycle().phase().name()))
                .setOnBehalfOf(job.onBehalfOf())
                .setImmediate(job.lifecycle().immediate())
                .setRetentionMs(job.lifecycle().retention().toMillis())
                .setRetentionUntil(job.lifecycle().retentionUntil())
                .setApprovalsRequired(job.lifecycle().approvalsRequired())
                .setApprovals(job.lifecycle().approvals().stream()
                        .map(AvroJobMapper::approval)
                        .toList())
                .setPreviewRound(job.lifecycle().previewRound())
                .setPhases(job.lifecycle().phases().stream()
                        .map(AvroJobMapper::phaseResult)
                        .toList())
                .setStage(job.currentStage().isPresent() ? job.currentStage().getAsInt() : null)
                .setScope(scope(job.scope()))
                .setVerifiesJobId(
                        job.lifecycle().verifies() == null
                                ? null
                                : job.lifecycle().verifies().toString())
                .build();
    }

    private static Approval approval(io.lethe.coordinator.job.Approval approval) {
        return Approval.newBuilder()
                .setRound(approval.round())
                .setApprover(approval.approver())
                .setDecision(ApprovalDecision.valueOf(approval.decision().name()))
                .setComment(approval.comment())
                .setAutomatic(approval.automatic())
                .setPreviewRows(approval.previewRows())
                .setAt(approval.at())
                .build();
    }

    private static PhaseResult phaseResult(io.lethe.coordinator.job.PhaseResult result) {
        return PhaseResult.newBuilder()
                .setPhase(DeletionPhase.valueOf(result.phase().name()))
                .setRound(result.round())
                .setStartedAt(result.startedAt())
                .setFinishedAt(result.finishedAt())
                .setRows(result.rows())
                .setParticipants(result.participants().stream()
                        .map(p -> new ParticipantRows(p.name(), tableDeletions(p.tables())))
                        .toList())
                .build();
    }

    private static ParticipantStatus participantStatus(ParticipantProgress progress) {
        ParticipantError error = progress.error();
        return ParticipantStatus.newBuilder()
                .setName(progress.name())
                .setStage(progress.stage())
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
                .setNotFound(progress.notFound())
                .setOtherTenant(progress.otherTenant())
                .build();
    }

    private static List<TableDeletion> tableDeletions(List<TableCount> tables) {
        return tables.stream()
                .map(t -> TableDeletion.newBuilder()
                        .setTable(t.table())
                        .setRowsDeleted(t.rowsDeleted())
                        .setRowsRemaining(t.rowsRemaining())
                        .setStep(t.isStep())
                        .setPolicy(
                                io.lethe.schemas.TablePolicy.valueOf(t.policy().name()))
                        .setRowsAnonymized(t.rowsAnonymized())
                        .setRowsRetained(t.rowsRetained())
                        .setReason(t.reason())
                        .build())
                .toList();
    }

    private static TableCount tableCount(TableDeletion table) {
        return new TableCount(
                table.getTable(),
                table.getRowsDeleted(),
                table.getRowsRemaining(),
                switch (table.getPolicy()) {
                    case DELETE -> io.lethe.coordinator.job.TablePolicy.DELETE;
                    case ANONYMIZE -> io.lethe.coordinator.job.TablePolicy.ANONYMIZE;
                    case RETAIN -> io.lethe.coordinator.job.TablePolicy.RETAIN;
                    // A policy added after this coordinator was built: nothing it can check; it is refused.
                    case UNKNOWN ->
                        throw new IllegalArgumentException(
                                "table " + table.getTable() + ": a policy this coordinator does not know");
                },
                table.getRowsAnonymized(),
                table.getRowsRetained(),
                table.getReason());
    }
}
