package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One expected participant of a job.
 *
 * @param name the participant's name
 * @param stage its stage, as it registered when the job started: a phase asks stage n+1 only after every participant
 *     of the lower stages completed it
 * @param state where it stands
 * @param attempt the attempt it was last asked for: 1 when the job started, the job's attempt of the retry that last
 *     asked it again
 * @param deadlineAt when that attempt times out if the participant has not answered by then; {@code null} while it
 *     is WAITING
 * @param tables rows per table it reported, in its deletion order (empty until it completes)
 * @param error why it failed, or {@code null}
 * @param finishedAt when it reported, or {@code null}
 * @param notFound a scoped job's listed ids that name no row, as it last reported
 * @param otherTenant a scoped job's listed ids that name another tenant's rows, as it last reported
 */
public record ParticipantProgress(
        String name,
        int stage,
        ParticipantState state,
        int attempt,
        Instant deadlineAt,
        List<TableCount> tables,
        ParticipantError error,
        Instant finishedAt,
        List<String> notFound,
        List<String> otherTenant) {

    public ParticipantProgress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        if ((deadlineAt == null) != (state == ParticipantState.WAITING)) {
            throw new IllegalArgumentException(
                    "participant %s: a deadline is set exactly when it is asked, not %s with deadline %s"
                            .formatted(name, state, deadlineAt));
        }
        if (stage < 0) {
            throw new IllegalArgumentException(
                    "participant %s: stage must be at least 0, not %d".formatted(name, stage));
        }
        if (attempt < 1) {
            throw new IllegalArgumentException(
                    "participant %s: attempt must be at least 1, not %d".formatted(name, attempt));
        }
        tables = List.copyOf(tables);
        notFound = List.copyOf(notFound);
        otherTenant = List.copyOf(otherTenant);
    }

    /** Before any report: nothing found missing. */
    ParticipantProgress(
            String name,
            int stage,
            ParticipantState state,
            int attempt,
            Instant deadlineAt,
            List<TableCount> tables,
            ParticipantError error,
            Instant finishedAt) {
        this(name, stage, state, attempt, deadlineAt, tables, error, finishedAt, List.of(), List.of());
    }

    /** Asked (again) to delete, for the given attempt, with an answer due by the deadline. */
    ParticipantProgress pending(int nextAttempt, Instant nextDeadline) {
        return new ParticipantProgress(
                name, stage, ParticipantState.PENDING, nextAttempt, nextDeadline, List.of(), null, null);
    }

    /** Not asked yet in the phase that starts with the given attempt: a lower stage goes first. */
    ParticipantProgress waiting(int phaseAttempt) {
        return new ParticipantProgress(
                name, stage, ParticipantState.WAITING, phaseAttempt, null, List.of(), null, null);
    }

    public long rowsDeleted() {
        return tables.stream().mapToLong(TableCount::rowsDeleted).sum();
    }

    /** Whether this participant is still waited for and its deadline has passed. */
    boolean isOverdue(Instant now) {
        return state == ParticipantState.PENDING && !deadlineAt.isAfter(now);
    }

    ParticipantProgress completed(List<TableCount> reported, Instant at, List<String> missing, List<String> foreign) {
        return new ParticipantProgress(
                name, stage, ParticipantState.COMPLETED, attempt, deadlineAt, reported, null, at, missing, foreign);
    }

    ParticipantProgress failed(ParticipantError reason, List<TableCount> reported, Instant at) {
        return new ParticipantProgress(name, stage, ParticipantState.FAILED, attempt, deadlineAt, reported, reason, at);
    }

    ParticipantProgress timedOut() {
        return new ParticipantProgress(
                name, stage, ParticipantState.TIMED_OUT, attempt, deadlineAt, List.of(), null, null);
    }
}
