package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A completed phase of a job: what every participant did, per table. Kept for the job's history and for the
 * approval: the soft and hard deletes carry the last preview's rows, which participants compare with what they find.
 *
 * @param phase the phase
 * @param round the preview round it belongs to
 * @param startedAt when the coordinator asked for it
 * @param finishedAt when the last participant answered
 * @param participants per participant, rows per table: to be deleted, hidden, restored or deleted
 */
public record PhaseResult(
        Phase phase, int round, Instant startedAt, Instant finishedAt, List<ParticipantRows> participants) {

    /** One participant's rows per table in a phase. */
    public record ParticipantRows(String name, List<TableCount> tables) {

        public ParticipantRows {
            Objects.requireNonNull(name, "name");
            tables = List.copyOf(tables);
        }

        public long rows() {
            return tables.stream().mapToLong(TableCount::rowsDeleted).sum();
        }
    }

    public PhaseResult {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        participants = List.copyOf(participants);
    }

    /** {@return the rows over all participants} */
    public long rows() {
        return participants.stream().mapToLong(ParticipantRows::rows).sum();
    }
}
