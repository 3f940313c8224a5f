package io.lethe.coordinator.job;

import java.util.Objects;

/** What a participant did to one table: rows deleted and rows of the tenant still there after its check. */
public record TableCount(String table, long rowsDeleted, long rowsRemaining) {

    public TableCount {
        Objects.requireNonNull(table, "table");
    }
}
