package io.lethe.participant.plan;

import java.util.List;
import java.util.Objects;

/**
 * One table of a {@link DeletionPlan}.
 *
 * @param table the table
 * @param kind whether the table's rows are selected by a tenant column or through foreign keys
 * @param tenantColumn the tenant column of an {@link Kind#OWNED} table; {@code null} for a {@link Kind#DEPENDENT} one
 * @param via for a {@link Kind#DEPENDENT} table, the foreign keys through which its rows reach the tenant's rows of
 *     other planned tables (a row is the tenant's if any of them references a tenant row), at least one of them to
 *     another table; a self-reference among them means the rows that reference the table's own tenant rows, at any
 *     depth, are the tenant's too. Empty for an {@link Kind#OWNED} table
 */
public record PlannedTable(TableName table, Kind kind, String tenantColumn, List<ForeignKey> via) {

    /** How a planned table's tenant rows are selected. */
    public enum Kind {
        /** The table has a tenant column: {@code WHERE tenant_column = ?}. */
        OWNED,
        /** The table has no tenant column; its rows reference the tenant's rows of other planned tables. */
        DEPENDENT
    }

    public PlannedTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        via = List.copyOf(via);
        boolean owned = kind == Kind.OWNED;
        if (owned != (tenantColumn != null) || owned == !via.isEmpty()) {
            throw new IllegalArgumentException("table " + table
                    + ": an OWNED table has a tenant column and no via, a DEPENDENT table the opposite");
        }
        for (ForeignKey key : via) {
            if (!key.child().equals(table)) {
                throw new IllegalArgumentException("table " + table + ": via key " + key.name() + " is not its own");
            }
        }
        if (!owned && via.stream().allMatch(ForeignKey::isSelfReference)) {
            throw new IllegalArgumentException(
                    "table " + table + ": a DEPENDENT table needs a via key to another table, not only to itself");
        }
    }

    /** {@return e.g. {@code public.orders OWNED by tenant_id} or the foreign keys of a DEPENDENT table} */
    public String describe() {
        return switch (kind) {
            case OWNED -> table + " OWNED by column " + tenantColumn;
            case DEPENDENT ->
                table + " DEPENDENT via "
                        + String.join(
                                " or ", via.stream().map(ForeignKey::describe).toList());
        };
    }
}
