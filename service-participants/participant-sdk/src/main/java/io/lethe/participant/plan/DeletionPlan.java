package io.lethe.participant.plan;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What deleting one tenant means for a participant's database: the {@link NullOut}s to run first, then the tables to
 * delete from, children before parents. Built once at start-up by {@link DeletionPlanner}; immutable and the same for
 * every tenant.
 *
 * <p>Each table is deleted either in chunks by its primary key ({@link #chunkKey}) or in one set-based statement: a
 * table without a primary key, or with a foreign key to itself (a chunk that deleted a parent row before the chunk of
 * its child rows would violate that key; one statement checks it at its end).
 */
public final class DeletionPlan {

    private final List<PlannedTable> tables;
    private final List<NullOut> nullOuts;
    private final List<SkippedTable> skippedTables;
    private final Map<TableName, Column> tenantColumns;
    private final Map<TableName, List<String>> closureKeys;
    private final Map<TableName, List<String>> primaryKeys;
    private final Set<TableName> selfReferencing;
    private final List<ForeignKey> references;

    /**
     * @param primaryKeys every planned table's primary key columns, in key order; empty if it has none
     * @param selfReferencing the planned tables with a foreign key to themselves
     * @param references every foreign key between two planned tables, self-references included
     */
    DeletionPlan(
            List<PlannedTable> tables,
            List<NullOut> nullOuts,
            List<SkippedTable> skippedTables,
            Map<TableName, Column> tenantColumns,
            Map<TableName, List<String>> closureKeys,
            Map<TableName, List<String>> primaryKeys,
            Set<TableName> selfReferencing,
            List<ForeignKey> references) {
        this.references = List.copyOf(references);
        this.tables = List.copyOf(tables);
        this.nullOuts = List.copyOf(nullOuts);
        this.skippedTables = List.copyOf(skippedTables);
        this.tenantColumns = Map.copyOf(tenantColumns);
        this.closureKeys = Map.copyOf(closureKeys);
        this.primaryKeys = Map.copyOf(primaryKeys);
        this.selfReferencing = Set.copyOf(selfReferencing);
        for (PlannedTable table : this.tables) {
            if (!this.primaryKeys.containsKey(table.table())) {
                throw new IllegalArgumentException("table " + table.table() + " has no primary key entry");
            }
            if (table.kind() == PlannedTable.Kind.OWNED && !this.tenantColumns.containsKey(table.table())) {
                throw new IllegalArgumentException("owned table " + table.table() + " has no tenant column type");
            }
            boolean selfReferenced = table.via().stream().anyMatch(ForeignKey::isSelfReference);
            if (selfReferenced != this.closureKeys.containsKey(table.table())) {
                throw new IllegalArgumentException("table " + table.table()
                        + " needs a closure key if and only if it selects rows through a self-reference");
            }
        }
    }

    /** {@return the tables to delete from, in deletion order: children before parents} */
    public List<PlannedTable> tables() {
        return tables;
    }

    /**
     * {@return every foreign key between two planned tables, self-references included: what a scoped deletion follows
     * from the listed entities to the rows that depend on them}
     */
    public List<ForeignKey> references() {
        return references;
    }

    /** {@return the foreign keys to set to {@code NULL} in the tenant's rows before any delete} */
    public List<NullOut> nullOuts() {
        return nullOuts;
    }

    /** {@return the qualified names of {@link #tables()}, in deletion order} */
    public List<String> tableNames() {
        return tables.stream().map(table -> table.table().qualified()).toList();
    }

    /** {@return the tables that the plan never touches, each with the reason, sorted by name} */
    public List<SkippedTable> skippedTables() {
        return skippedTables;
    }

    /** {@return the names of {@link #skippedTables()}, sorted} */
    public List<TableName> skippedTableNames() {
        return skippedTables.stream().map(SkippedTable::table).toList();
    }

    /** {@return whether there is nothing to delete} */
    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * @param table a table name
     * @return the planned table
     * @throws IllegalArgumentException if the table is not planned
     */
    public PlannedTable table(TableName table) {
        return tables.stream()
                .filter(planned -> planned.table().equals(table))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + table + " is not in the deletion plan"));
    }

    /**
     * The tenant column of an {@link PlannedTable.Kind#OWNED} table, with its type: the executor binds the tenant id
     * as that type.
     *
     * @param ownedTable an owned table of this plan
     * @return its tenant column
     * @throws IllegalArgumentException if the table is not an owned table of this plan
     */
    public Column tenantColumn(TableName ownedTable) {
        Column column = tenantColumns.get(ownedTable);
        if (column == null) {
            throw new IllegalArgumentException("table " + ownedTable + " is not an owned table of the deletion plan");
        }
        return column;
    }

    /**
     * The columns that identify a row of a DEPENDENT table whose rows are selected as a recursive closure over its
     * self-references: its primary key, or, for a table without one, the non-null columns its self-references point
     * at. The closure carries and selects rows by these columns, so a row is found even if the columns its
     * self-references point at are {@code NULL}.
     *
     * @param table a DEPENDENT table of this plan with a self-reference in {@code via}
     * @return the columns, in key order
     * @throws IllegalArgumentException if the table selects no rows through a self-reference
     */
    public List<String> closureKey(TableName table) {
        List<String> key = closureKeys.get(table);
        if (key == null) {
            throw new IllegalArgumentException("table " + table + " selects no rows through a self-reference");
        }
        return key;
    }

    /**
     * The columns by which the table's rows are deleted in chunks, each chunk in a transaction of its own: its primary
     * key. Empty if the table's rows are deleted in one set-based statement instead, because the table has no primary
     * key, or a foreign key to itself (deleting a parent row in an earlier chunk than its child rows would violate
     * that key; one statement checks it at its end).
     *
     * @param table a table of this plan
     * @return the primary key's columns in key order, or an empty list
     * @throws IllegalArgumentException if the table is not planned
     */
    public List<String> chunkKey(TableName table) {
        List<String> key = primaryKeys.get(table);
        if (key == null) {
            throw new IllegalArgumentException("table " + table + " is not in the deletion plan");
        }
        return selfReferencing.contains(table) ? List.of() : key;
    }

    /**
     * @param table a table of this plan
     * @return its primary key's columns in key order, or an empty list if it has none
     * @throws IllegalArgumentException if the table is not planned
     */
    public List<String> primaryKey(TableName table) {
        List<String> key = primaryKeys.get(table);
        if (key == null) {
            throw new IllegalArgumentException("table " + table + " is not in the deletion plan");
        }
        return key;
    }

    /** {@return how the table's rows are deleted, for {@link #describe()}} */
    private String deletionMode(TableName table) {
        if (selfReferencing.contains(table)) {
            return "in one statement (it has a foreign key to itself)";
        }
        List<String> key = primaryKeys.get(table);
        return key.isEmpty()
                ? "in one statement (it has no primary key)"
                : "in chunks by primary key (" + String.join(", ", key) + ")";
    }

    /**
     * A multi-line, human-readable description for the start-up log and for operators: each step with its table, its
     * kind, the foreign-key path or tenant column that selects the tenant's rows, and whether it is deleted in chunks
     * or in one statement.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder text = new StringBuilder()
                .append("Deletion plan: ")
                .append(tables.size())
                .append(" tables, ")
                .append(nullOuts.size())
                .append(" null-outs, ")
                .append(skippedTables.size())
                .append(" skipped\n");
        if (!nullOuts.isEmpty()) {
            text.append("  first, set to NULL in the tenant's rows:\n");
            nullOuts.forEach(
                    nullOut -> text.append("    - ").append(nullOut.describe()).append('\n'));
        }
        text.append("  delete, children before parents:\n");
        for (int i = 0; i < tables.size(); i++) {
            text.append("    ")
                    .append(i + 1)
                    .append(". ")
                    .append(tables.get(i).describe())
                    .append("; ")
                    .append(deletionMode(tables.get(i).table()))
                    .append('\n');
        }
        if (!skippedTables.isEmpty()) {
            text.append("  never touched:\n");
            skippedTables.forEach(skipped -> text.append("    - ")
                    .append(skipped.table())
                    .append(": ")
                    .append(skipped.reason())
                    .append('\n'));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "DeletionPlan" + tableNames();
    }
}
