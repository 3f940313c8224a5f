package io.lethe.participant.kafka;

import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.TableResult;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.TableDeletion;

/** The Avro events of a participant's deletion results: ids, table names and counts, never row contents. */
final class ParticipantEvents {

    private ParticipantEvents() {}

    static ParticipantDeletionCompleted completed(String participant, DeletionResult.Completed completed) {
        return new ParticipantDeletionCompleted(
                completed.jobId(),
                completed.tenantId(),
                participant,
                completed.attempt(),
                completed.tables().stream()
                        .map(ParticipantEvents::tableDeletion)
                        .toList(),
                completed.rowsRemaining(),
                completed.startedAt(),
                completed.finishedAt());
    }

    static ParticipantDeletionFailed failed(String participant, DeletionResult.Failed failed) {
        return new ParticipantDeletionFailed(
                failed.jobId(),
                failed.tenantId(),
                participant,
                failed.attempt(),
                failed.errorCode(),
                failed.message(),
                failed.table(),
                failed.retryable(),
                failed.at());
    }

    private static TableDeletion tableDeletion(TableResult table) {
        return new TableDeletion(table.table(), table.rowsDeleted(), table.rowsRemaining());
    }
}
