package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a participant reported for a job: the saga's input events. */
public sealed interface ParticipantOutcome permits ParticipantOutcome.Completed, ParticipantOutcome.Failed {

    DeletionJobId jobId();

    /** The tenant the participant deleted: must be the job's. */
    String tenantId();

    String participant();

    int attempt();

    /** The participant deleted the tenant's rows and found none left. */
    record Completed(
            DeletionJobId jobId,
            String tenantId,
            String participant,
            int attempt,
            List<TableCount> tables,
            long rowsRemaining,
            Instant finishedAt)
            implements ParticipantOutcome {

        public Completed {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(finishedAt, "finishedAt");
            tables = List.copyOf(tables);
        }
    }

    /** The participant could not delete; what it did was rolled back. */
    record Failed(
            DeletionJobId jobId, String tenantId, String participant, int attempt, ParticipantError error, Instant at)
            implements ParticipantOutcome {

        public Failed {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(at, "at");
        }
    }
}
