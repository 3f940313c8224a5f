package io.lethe.participant.plan;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which columns of a foreign key a null-out may set to {@code NULL}. A column qualifies only if it is nullable, does
 * not take part in selecting the child's tenant rows (the tenant column of an OWNED table; the columns of a DEPENDENT
 * table's {@code via} keys, self-references included) and is not referenced by any foreign key. Clearing a selecting
 * column would detach the rows from the tenant: the deletes would no longer find them, and the job would complete
 * while they remain. Clearing a referenced column would cascade into, or be refused by, the rows that reference it.
 * A key without such a column cannot be broken.
 */
final class BreakableColumns {

    private final SchemaModel model;
    /** Per table, the columns that foreign keys reference. */
    private final Map<TableName, Set<String>> referenced = new HashMap<>();
    /** Per table, the columns of its self-references: all of them select a DEPENDENT table's rows (its closure). */
    private final Map<TableName, Set<String>> selfReferencing = new HashMap<>();

    BreakableColumns(SchemaModel model) {
        this.model = model;
        for (ForeignKey key : model.foreignKeys()) {
            referenced.computeIfAbsent(key.parent(), table -> new HashSet<>()).addAll(key.parentColumns());
            if (key.isSelfReference()) {
                selfReferencing
                        .computeIfAbsent(key.child(), table -> new HashSet<>())
                        .addAll(key.childColumns());
            }
        }
    }

    /**
     * @param tenantColumn the child's tenant column if it is OWNED, else {@code null}
     * @param via the child's {@code via} keys (those known so far while DEPENDENT tables are being linked)
     * @param key a foreign key of the child
     * @return the key's columns that a null-out may clear, in key order; empty if the key cannot be broken
     */
    List<String> of(String tenantColumn, Collection<ForeignKey> via, ForeignKey key) {
        if (via.contains(key)) {
            return List.of();
        }
        Set<String> untouchable = new HashSet<>(referenced.getOrDefault(key.child(), Set.of()));
        if (tenantColumn != null) {
            untouchable.add(tenantColumn);
        } else {
            via.forEach(selecting -> untouchable.addAll(selecting.childColumns()));
            untouchable.addAll(selfReferencing.getOrDefault(key.child(), Set.of()));
        }
        Table child = model.table(key.child());
        return key.childColumns().stream()
                .filter(column -> child.column(column).nullable() && !untouchable.contains(column))
                .toList();
    }
}
