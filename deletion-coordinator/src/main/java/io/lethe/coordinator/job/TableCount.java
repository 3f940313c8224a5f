package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * What a participant did to one table, or one deletion step outside its database: rows (items) deleted and rows of the
 * tenant still there after its check.
 *
 * @param table the schema-qualified table, or {@code step:<name>} for a deletion step
 */
public record TableCount(String table, long rowsDeleted, long rowsRemaining) {

    /** What a deletion step's reported name starts with; a table's name is schema-qualified and never does. */
    public static final String STEP_PREFIX = "step:";

    public TableCount {
        Objects.requireNonNull(table, "table");
    }

    /** {@return whether this is a deletion step outside the participant's database, not a table} */
    public boolean isStep() {
        return table.startsWith(STEP_PREFIX);
    }
}
