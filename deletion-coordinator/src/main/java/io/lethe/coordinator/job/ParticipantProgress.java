package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One expected participant of a job.
 *
 * @param name the participant's name
 * @param state where it stands
 * @param tables rows per table it reported, in its deletion order (empty until it completes)
 * @param error why it failed, or {@code null}
 * @param finishedAt when it reported, or {@code null}
 */
public record ParticipantProgress(
        String name, ParticipantState state, List<TableCount> tables, ParticipantError error, Instant finishedAt) {

    public ParticipantProgress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        tables = List.copyOf(tables);
    }

    static ParticipantProgress pending(String name) {
        return new ParticipantProgress(name, ParticipantState.PENDING, List.of(), null, null);
    }

    public long rowsDeleted() {
        return tables.stream().mapToLong(TableCount::rowsDeleted).sum();
    }
}
