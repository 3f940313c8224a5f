package io.lethe.participant.plan;

import java.util.List;
import java.util.Objects;

/**
 * Before any row is deleted, the tenant's rows of {@code table} get {@code columns} set to {@code NULL}: this removes
 * the edge that would otherwise make a foreign-key cycle (or a self-reference) impossible to delete in order.
 *
 * <p>{@code columns} are only the key's nullable columns that do not select the table's rows (not the tenant column,
 * not a column of a {@code via} key) and that no foreign key references: clearing a selecting column would detach the
 * rows from the tenant, and the deletion would leave them behind. With {@code MATCH SIMPLE} (PostgreSQL's default) a
 * key with one {@code NULL} column references nothing, so the others can keep their values.
 *
 * @param table the table whose column(s) are set to {@code NULL}; the foreign key's child
 * @param foreignKey the foreign key being detached
 * @param columns the columns set to {@code NULL}: a non-empty subset of the key's child columns, in key order
 */
public record NullOut(TableName table, ForeignKey foreignKey, List<String> columns) {

    public NullOut {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(foreignKey, "foreignKey");
        columns = List.copyOf(columns);
        if (!foreignKey.child().equals(table)) {
            throw new IllegalArgumentException("null-out of " + table + ": foreign key " + foreignKey.name()
                    + " belongs to " + foreignKey.child());
        }
        if (columns.isEmpty() || !foreignKey.childColumns().containsAll(columns)) {
            throw new IllegalArgumentException("null-out of " + table + ": columns " + columns
                    + " must be a non-empty subset of foreign key " + foreignKey.name() + "'s columns");
        }
    }

    /**
     * {@return the key's description, e.g. {@code public.customers(default_address_id) -> public.addresses(id)
     * [customers_default_address_id_fkey]}, followed by {@code , set to NULL: parent_id} if only some of its columns
     * are cleared}
     */
    public String describe() {
        if (columns.equals(foreignKey.childColumns())) {
            return foreignKey.describe();
        }
        return foreignKey.describe() + ", set to NULL: " + String.join(", ", columns);
    }
}
