package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One expected participant of a job.
 *
 * @param name the participant's name
 * @param state where it stands
 * @param attempt the attempt it was last asked for: 1 when the job started, the job's attempt of the retry that last
 *     asked it again
 * @param deadlineAt when that attempt times out if the participant has not answered by then
 * @param tables rows per table it reported, in its deletion order (empty until it completes)
 * @param error why it failed, or {@code null}
 * @param finishedAt when it reported, or {@code null}
 */
public record ParticipantProgress(
        String name,
        ParticipantState state,
        int attempt,
        Instant deadlineAt,
        List<TableCount> tables,
        ParticipantError error,
        Instant finishedAt) {

    public ParticipantProgress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(deadlineAt, "deadlineAt");
        if (attempt < 1) {
            throw new IllegalArgumentException(
                    "participant %s: attempt must be at least 1, not %d".formatted(name, attempt));
        }
        tables = List.copyOf(tables);
    }

    /** Asked (again) to delete, for the given attempt, with an answer due by the deadline. */
    static ParticipantProgress pending(String name, int attempt, Instant deadlineAt) {
        return new ParticipantProgress(name, ParticipantState.PENDING, attempt, deadlineAt, List.of(), null, null);
    }

    public long rowsDeleted() {
        return tables.stream().mapToLong(TableCount::rowsDeleted).sum();
    }

    /** Whether this participant is still waited for and its deadline has passed. */
    boolean isOverdue(Instant now) {
        return state == ParticipantState.PENDING && !deadlineAt.isAfter(now);
    }

    ParticipantProgress completed(List<TableCount> reported, Instant at) {
        return new ParticipantProgress(name, ParticipantState.COMPLETED, attempt, deadlineAt, reported, null, at);
    }

    ParticipantProgress failed(ParticipantError reason, List<TableCount> reported, Instant at) {
        return new ParticipantProgress(name, ParticipantState.FAILED, attempt, deadlineAt, reported, reason, at);
    }

    ParticipantProgress timedOut() {
        return new ParticipantProgress(name, ParticipantState.TIMED_OUT, attempt, deadlineAt, List.of(), null, null);
    }
}
