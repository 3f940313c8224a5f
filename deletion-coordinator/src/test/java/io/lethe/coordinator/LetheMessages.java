package io.lethe.coordinator;

import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.JobMode;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.ParticipantRegistered;
import io.lethe.schemas.RequestTenantDeletion;
import io.lethe.schemas.TableDeletion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The messages other services send the coordinator, as they would send them. */
final class LetheMessages {

    private LetheMessages() {}

    static ParticipantRegistered registered(String name, String version, String... tables) {
        return registered(name, version, 0, tables);
    }

    static ParticipantRegistered registered(String name, String version, int stage, String... tables) {
        return ParticipantRegistered.newBuilder()
                .setName(name)
                .setTables(List.of(tables))
                .setVersion(version)
                .setStage(stage)
                .setRegisteredAt(now())
                .build();
    }

    static RequestTenantDeletion command(String requestId, String tenantId) {
        return RequestTenantDeletion.newBuilder()
                .setRequestId(requestId)
                .setTenantId(tenantId)
                .setRequestedBy("crm")
                .setReason("contract ended")
                .setRequestedAt(now())
                .setMode(JobMode.PREVIEW)
                .build();
    }

    static TableDeletion table(String name, long rowsDeleted) {
        return TableDeletion.newBuilder()
                .setTable(name)
                .setRowsDeleted(rowsDeleted)
                .setRowsRemaining(0L)
                .setStep(name.startsWith("step:"))
                .build();
    }

    static ParticipantDeletionCompleted completed(
            String jobId, String tenantId, String participant, TableDeletion... tables) {
        return completed(jobId, tenantId, participant, 1, tables);
    }

    /** A completion of the given attempt of the participant's preview request. */
    static ParticipantDeletionCompleted completed(
            String jobId, String tenantId, String participant, int attempt, TableDeletion... tables) {
        return completed(jobId, tenantId, participant, DeletionPhase.PREVIEW, attempt, tables);
    }

    /** A completion of the given attempt and phase of the participant's request. */
    static ParticipantDeletionCompleted completed(
            String jobId,
            String tenantId,
            String participant,
            DeletionPhase phase,
            int attempt,
            TableDeletion... tables) {
        Instant now = now();
        return ParticipantDeletionCompleted.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setParticipant(participant)
                .setAttempt(attempt)
                .setPhase(phase)
                .setTables(List.of(tables))
                .setRowsRemaining(0L)
                .setStartedAt(now.minusMillis(250))
                .setFinishedAt(now)
                .build();
    }

    static ParticipantDeletionFailed failed(
            String jobId, String tenantId, String participant, String errorCode, String message, String table) {
        return ParticipantDeletionFailed.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setParticipant(participant)
                .setAttempt(1)
                .setPhase(DeletionPhase.PREVIEW)
                .setErrorCode(errorCode)
                .setMessage(message)
                .setTable(table)
                .setRetryable(false)
                .setAt(now())
                .build();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
