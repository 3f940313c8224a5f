package io.lethe.participant.kafka;

import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.TableResult;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.TableDeletion;

/** The Avro events of a participant's results: ids, table names and counts, never row contents. */
final class ParticipantEvents {

    private ParticipantEvents() {}

    static ParticipantDeletionCompleted completed(
            String participant, DeletionPhase phase, DeletionResult.Completed completed) {
        return ParticipantDeletionCompleted.newBuilder()
                .setJobId(completed.jobId())
                .setTenantId(completed.tenantId())
                .setParticipant(participant)
                .setAttempt(completed.attempt())
                .setPhase(phase)
                .setTables(completed.tables().stream()
                        .map(ParticipantEvents::tableDeletion)
                        .toList())
                .setRowsRemaining(completed.rowsRemaining())
                .setStartedAt(completed.startedAt())
                .setFinishedAt(completed.finishedAt())
                .setNotFound(completed.notFound())
                .setOtherTenant(completed.otherTenant())
                .build();
    }

    static ParticipantDeletionFailed failed(String participant, DeletionPhase phase, DeletionResult.Failed failed) {
        return ParticipantDeletionFailed.newBuilder()
                .setJobId(failed.jobId())
                .setTenantId(failed.tenantId())
                .setParticipant(participant)
                .setAttempt(failed.attempt())
                .setPhase(phase)
                .setErrorCode(failed.errorCode())
                .setMessage(failed.message())
                .setTable(failed.table())
                .setRetryable(failed.retryable())
                .setAt(failed.at())
                .build();
    }

    private static TableDeletion tableDeletion(TableResult table) {
        return TableDeletion.newBuilder()
                .setTable(table.table())
                .setRowsDeleted(table.rowsDeleted())
                .setRowsRemaining(table.rowsRemaining())
                .setStep(table.table().startsWith("step:"))
                .setPolicy(io.lethe.schemas.TablePolicy.valueOf(table.policy().name()))
                .setRowsAnonymized(table.rowsAnonymized())
                .setRowsRetained(table.rowsRetained())
                .setReason(table.reason())
                .build();
    }
}
