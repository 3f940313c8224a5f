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

    /** The phase of the request it answers: an outcome of another phase than the job's is stale. */
    Phase phase();

    /** The participant completed the phase: counted, hid, restored or deleted, and found none left. */
    record Completed(
            DeletionJobId jobId,
            String tenantId,
            String participant,
            int attempt,
            Phase phase,
            List<TableCount> tables,
            long rowsRemaining,
            Instant finishedAt,
            List<String> notFound,
            List<String> otherTenant)
            implements ParticipantOutcome {

        public Completed {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(finishedAt, "finishedAt");
            tables = List.copyOf(tables);
            notFound = List.copyOf(notFound);
            otherTenant = List.copyOf(otherTenant);
        }

        /** A completion for the whole tenant. */
        public Completed(
                DeletionJobId jobId,
                String tenantId,
                String participant,
                int attempt,
                Phase phase,
                List<TableCount> tables,
                long rowsRemaining,
                Instant finishedAt) {
            this(jobId, tenantId, participant, attempt, phase, tables, rowsRemaining, finishedAt, List.of(), List.of());
        }
    }

    /** The participant could not complete the phase; what it did was rolled back or can be resumed. */
    record Failed(
            DeletionJobId jobId,
            String tenantId,
            String participant,
            int attempt,
            Phase phase,
            ParticipantError error,
            Instant at)
            implements ParticipantOutcome {

        /** The error code of a participant that found materially more rows than the approved preview. */
        public static final String PREVIEW_DRIFT = "PREVIEW_DRIFT";

        public Failed {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(at, "at");
        }

        boolean isDrift() {
            return PREVIEW_DRIFT.equals(error.code());
        }
    }
}
