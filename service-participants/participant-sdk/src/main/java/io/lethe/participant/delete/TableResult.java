package io.lethe.participant.delete;

import java.util.Objects;

/**
 * What a phase did to one table (or deletion step), by the table's policy.
 *
 * @param table the table's qualified name, e.g. {@code public.orders}, or {@code step:<name>}
 * @param rowsDeleted rows of the tenant deleted from it (a DELETE table)
 * @param rowsRemaining rows of the tenant left in it after the deletion, still holding data the policy removes: any row
 *     of a DELETE table, a row of an ANONYMIZE table whose listed columns still hold original values (0 in a completed
 *     deletion)
 * @param policy what the table's policy does with the tenant's rows
 * @param rowsAnonymized rows of the tenant whose listed columns were anonymized (an ANONYMIZE table)
 * @param rowsRetained rows of the tenant left as they are (a RETAIN table)
 * @param reason why the table's rows are kept, for ANONYMIZE and RETAIN; {@code null} for DELETE
 */
public record TableResult(
        String table,
        long rowsDeleted,
        long rowsRemaining,
        TablePolicy.Kind policy,
        long rowsAnonymized,
        long rowsRetained,
        String reason) {

    public TableResult {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(policy, "policy");
        if (rowsDeleted < 0 || rowsRemaining < 0 || rowsAnonymized < 0 || rowsRetained < 0) {
            throw new IllegalArgumentException("table " + table + ": row counts must not be negative");
        }
    }

    /** A table deleted like any other (policy DELETE). */
    public TableResult(String table, long rowsDeleted, long rowsRemaining) {
        this(table, rowsDeleted, rowsRemaining, TablePolicy.Kind.DELETE, 0, 0, null);
    }
}
