package io.lethe.participant.delete;

import java.util.Objects;

/**
 * What a deletion did to one table.
 *
 * @param table the table's qualified name, e.g. {@code public.orders}
 * @param rowsDeleted rows of the tenant deleted from it
 * @param rowsRemaining rows of the tenant left in it after the deletion (0 in a completed deletion)
 */
public record TableResult(String table, long rowsDeleted, long rowsRemaining) {

    public TableResult {
        Objects.requireNonNull(table, "table");
        if (rowsDeleted < 0 || rowsRemaining < 0) {
            throw new IllegalArgumentException("table " + table + ": row counts must not be negative");
        }
    }
}
