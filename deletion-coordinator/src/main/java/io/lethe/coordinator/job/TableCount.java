package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * What a participant did to one table, or one deletion step outside its database, by the table's policy.
 *
 * @param table the schema-qualified table, or {@code step:<name>} for a deletion step
 * @param rowsDeleted rows (a step's items) of the tenant deleted
 * @param rowsRemaining rows of the tenant still there after its check that its policy removes (0 when it held)
 * @param policy DELETE, ANONYMIZE or RETAIN
 * @param rowsAnonymized ANONYMIZE: rows whose listed columns were overwritten
 * @param rowsRetained RETAIN: rows kept as they are
 * @param reason ANONYMIZE and RETAIN: why the rows are kept; {@code null} otherwise
 */
public record TableCount(
        String table,
        long rowsDeleted,
        long rowsRemaining,
        TablePolicy policy,
        long rowsAnonymized,
        long rowsRetained,
        String reason) {

    /** What a deletion step's reported name starts with; a table's name is schema-qualified and never does. */
    public static final String STEP_PREFIX = "step:";

    public TableCount {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(policy, "policy");
    }

    /** A deleted table (or step). */
    public TableCount(String table, long rowsDeleted, long rowsRemaining) {
        this(table, rowsDeleted, rowsRemaining, TablePolicy.DELETE, 0, 0, null);
    }

    /** {@return whether this is a deletion step outside the participant's database, not a table} */
    public boolean isStep() {
        return table.startsWith(STEP_PREFIX);
    }
}
