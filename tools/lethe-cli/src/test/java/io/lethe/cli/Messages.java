package io.lethe.cli;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.JobState;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantError;
import io.lethe.schemas.ParticipantState;
import io.lethe.schemas.ParticipantStatus;
import io.lethe.schemas.TableDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Lethe messages for the tests, with only what a test cares about as parameters. */
final class Messages {

    /** A name that exists only inside payloads: it must never appear in the tool's output. */
    static final String PAYLOAD_ONLY = "payload-only-participant";

    private static final Instant CREATED = Instant.parse("2025-05-01T10:00:00Z");

    private Messages() {}

    static TenantDeletionRequested request(String jobId, String tenantId) {
        return TenantDeletionRequested.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setExpectedParticipants(List.of(PAYLOAD_ONLY))
                .setRequestedAt(CREATED)
                .setAttempt(1)
                .build();
    }

    static ParticipantDeletionCompleted completed(String jobId, String tenantId, String participant) {
        return ParticipantDeletionCompleted.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setParticipant(participant)
                .setTables(List.of(TableDeletion.newBuilder()
                        .setTable("public." + PAYLOAD_ONLY)
                        .setRowsDeleted(3L)
                        .setRowsRemaining(0L)
                        .build()))
                .setRowsRemaining(0)
                .setStartedAt(CREATED)
                .setFinishedAt(CREATED)
                .build();
    }

    static ParticipantStatus participant(String name, ParticipantState state, long rows) {
        return ParticipantStatus.newBuilder()
                .setName(name)
                .setState(state)
                .setRowsDeleted(rows)
                .setFinishedAt(state == ParticipantState.PENDING ? null : CREATED.plusSeconds(5))
                .build();
    }

    static ParticipantStatus failedParticipant(String name, String code, String table, String message) {
        return ParticipantStatus.newBuilder()
                .setName(name)
                .setState(ParticipantState.FAILED)
                .setError(new ParticipantError(code, message, table, true))
                .setFinishedAt(CREATED.plusSeconds(5))
                .build();
    }

    static DeletionJobStatus status(
            String jobId, String tenantId, JobState state, int attempt, ParticipantStatus... participants) {
        long total = 0;
        for (ParticipantStatus participant : participants) {
            total += participant.getRowsDeleted();
        }
        Instant updated = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return DeletionJobStatus.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setState(state)
                .setRequestId("request-of-" + jobId)
                .setRequestedBy("ops@example.com")
                .setReason("a reason that stays in the payload")
                .setAttempt(attempt)
                .setParticipants(List.of(participants))
                .setTotalRowsDeleted(total)
                .setCreatedAt(CREATED)
                .setUpdatedAt(updated)
                .setFinishedAt(state == JobState.RUNNING ? null : updated)
                .build();
    }
}
