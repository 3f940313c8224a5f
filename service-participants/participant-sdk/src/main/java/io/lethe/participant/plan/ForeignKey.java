package io.lethe.participant.plan;

import java.util.List;
import java.util.Objects;

/**
 * A foreign key from {@code child}'s columns to {@code parent}'s columns (the parent's primary key or a unique key).
 * Multi-column keys list their columns in key order; {@code childColumns.get(i)} references {@code
 * parentColumns.get(i)}.
 *
 * @param name the constraint name
 * @param child the referencing table
 * @param childColumns the referencing columns, in key order
 * @param parent the referenced table
 * @param parentColumns the referenced columns, in key order
 * @param onDelete what deleting a referenced row does to the rows that reference it
 */
public record ForeignKey(
        String name,
        TableName child,
        List<String> childColumns,
        TableName parent,
        List<String> parentColumns,
        OnDelete onDelete) {

    /** The key's {@code ON DELETE} action. */
    public enum OnDelete {
        NO_ACTION,
        RESTRICT,
        CASCADE,
        SET_NULL,
        SET_DEFAULT;

        /** {@return whether deleting a referenced row fails while a row references it} */
        public boolean refusesDelete() {
            return this == NO_ACTION || this == RESTRICT;
        }

        /** {@return the action of a {@link java.sql.DatabaseMetaData#getImportedKeys} {@code DELETE_RULE}} */
        static OnDelete ofJdbcRule(int rule) {
            return switch (rule) {
                case java.sql.DatabaseMetaData.importedKeyCascade -> CASCADE;
                case java.sql.DatabaseMetaData.importedKeySetNull -> SET_NULL;
                case java.sql.DatabaseMetaData.importedKeySetDefault -> SET_DEFAULT;
                case java.sql.DatabaseMetaData.importedKeyRestrict -> RESTRICT;
                default -> NO_ACTION;
            };
        }
    }

    /** A key with the default action, {@code NO ACTION}. */
    public ForeignKey(
            String name, TableName child, List<String> childColumns, TableName parent, List<String> parentColumns) {
        this(name, child, childColumns, parent, parentColumns, OnDelete.NO_ACTION);
    }

    public ForeignKey {
        Objects.requireNonNull(onDelete, "onDelete");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        childColumns = List.copyOf(childColumns);
        parentColumns = List.copyOf(parentColumns);
        if (childColumns.isEmpty() || childColumns.size() != parentColumns.size()) {
            throw new IllegalArgumentException("foreign key " + name + " on " + child
                    + ": child and parent columns must be non-empty and of the same size");
        }
    }

    /** {@return whether the key references its own table} */
    public boolean isSelfReference() {
        return child.equals(parent);
    }

    /** {@return e.g. {@code public.orders(customer_id) -> public.customers(id) [orders_customer_id_fkey]}} */
    public String describe() {
        return child + "(" + String.join(", ", childColumns) + ") -> " + parent + "(" + String.join(", ", parentColumns)
                + ") [" + name + "]";
    }
}
