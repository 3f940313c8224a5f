package io.lethe.participant.plan;

import java.util.Objects;

/**
 * Before any row is deleted, the tenant's rows of {@code table} get the columns of {@code foreignKey} set to {@code
 * NULL}: this removes the edge that would otherwise make a foreign-key cycle (or a self-reference) impossible to
 * delete in order.
 *
 * @param table the table whose column(s) are set to {@code NULL}; the foreign key's child
 * @param foreignKey the nullable foreign key being detached
 */
public record NullOut(TableName table, ForeignKey foreignKey) {

    public NullOut {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(foreignKey, "foreignKey");
        if (!foreignKey.child().equals(table)) {
            throw new IllegalArgumentException("null-out of " + table + ": foreign key " + foreignKey.name()
                    + " belongs to " + foreignKey.child());
        }
    }
}
