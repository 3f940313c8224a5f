package io.lethe.faults;

import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.MessageDecodingException;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.ParticipantRegistered;
import io.lethe.schemas.TableDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Lethe's messages as the tests read and write them, in Lethe's own encoding. */
final class Messages {

    private static final LetheCodec CODEC = new LetheCodec();

    private Messages() {}

    /** The phase a deletion request asks for, or {@code null} for bytes that are not one. */
    static DeletionPhase phaseOf(byte[] request) {
        try {
            return ((TenantDeletionRequested) CODEC.decode(request, TenantDeletionRequested.class)).getPhase();
        } catch (MessageDecodingException e) {
            return null;
        }
    }

    /** The participants a deletion request asks. */
    static List<String> askedIn(byte[] request) {
        return List.copyOf(((TenantDeletionRequested) CODEC.decode(request, TenantDeletionRequested.class))
                .getExpectedParticipants());
    }

    /** The attempt of a deletion request. */
    static int attemptOf(byte[] request) {
        return ((TenantDeletionRequested) CODEC.decode(request, TenantDeletionRequested.class)).getAttempt();
    }

    /** The phase an outcome answers. */
    static DeletionPhase outcomePhaseOf(byte[] outcome) {
        Object decoded = CODEC.decode(outcome, ParticipantDeletionCompleted.class, ParticipantDeletionFailed.class);
        if (decoded instanceof ParticipantDeletionCompleted completed) {
            return completed.getPhase();
        }
        return ((ParticipantDeletionFailed) decoded).getPhase();
    }

    /** The job id of a deletion request, or {@code ""} for bytes that are not one. */
    static String jobIdOf(byte[] request) {
        try {
            return ((TenantDeletionRequested) CODEC.decode(request, TenantDeletionRequested.class)).getJobId();
        } catch (MessageDecodingException e) {
            return "";
        }
    }

    /** The participant that reported an outcome (a completion or a failure). */
    static String participantOf(byte[] outcome) {
        Object decoded = CODEC.decode(outcome, ParticipantDeletionCompleted.class, ParticipantDeletionFailed.class);
        if (decoded instanceof ParticipantDeletionCompleted completed) {
            return completed.getParticipant();
        }
        return ((ParticipantDeletionFailed) decoded).getParticipant();
    }

    static byte[] registration(String participant, List<String> tables) {
        return CODEC.encode(ParticipantRegistered.newBuilder()
                .setName(participant)
                .setTables(tables)
                .setVersion("fault-tests")
                .setRegisteredAt(Instant.now())
                .build());
    }

    /** A completion of the phase with these rows per table (in this order) and none left. */
    static byte[] completed(
            String jobId,
            String tenantId,
            String participant,
            DeletionPhase phase,
            int attempt,
            Map<String, Long> rows) {
        Instant now = Instant.now();
        List<TableDeletion> tables = rows.entrySet().stream()
                .map(e -> TableDeletion.newBuilder()
                        .setTable(e.getKey())
                        .setRowsDeleted(e.getValue())
                        .setRowsRemaining(0)
                        .build())
                .toList();
        return CODEC.encode(ParticipantDeletionCompleted.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setParticipant(participant)
                .setAttempt(attempt)
                .setPhase(phase)
                .setTables(tables)
                .setRowsRemaining(0)
                .setStartedAt(now)
                .setFinishedAt(now)
                .build());
    }

    /** A retryable failure, as a participant reports it after its request was dead-lettered. */
    static byte[] failed(String jobId, String tenantId, String participant, DeletionPhase phase, int attempt) {
        return CODEC.encode(ParticipantDeletionFailed.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setParticipant(participant)
                .setAttempt(attempt)
                .setPhase(phase)
                .setErrorCode("SQL_ERROR")
                .setMessage("job %s tenant %s: SQLState 55P03: lock timeout".formatted(jobId, tenantId))
                .setTable(null)
                .setRetryable(true)
                .setAt(Instant.now())
                .build());
    }
}
