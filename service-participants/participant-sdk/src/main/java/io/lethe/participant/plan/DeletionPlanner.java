package io.lethe.participant.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link SchemaModel} into a {@link DeletionPlan}.
 *
 * <ol>
 *   <li>A considered table with the tenant column is {@link PlannedTable.Kind#OWNED}.
 *   <li>In rounds, breadth-first from the owned tables, a table without the tenant column whose foreign keys
 *       reference a table resolved in an earlier round becomes {@link PlannedTable.Kind#DEPENDENT}, {@code via} those
 *       keys. Tables that the tenant's rows merely point at (a global {@code products} table) never become planned:
 *       only rows that reference the tenant's rows are the tenant's.
 *   <li>Then a DEPENDENT table's rows are also selected through its foreign keys to other DEPENDENT tables of the
 *       same or a later round ({@code parcels.shipment_id} when parcels and shipments both reference orders), one key
 *       at a time in the model's order, as long as the graph of keys that cannot be nulled out ({@code via} keys and
 *       keys without a {@link BreakableColumns breakable column}) stays acyclic. That keeps the composed SQL
 *       predicates finite and every cycle breakable. Its self-references join {@code via} as well: its predicate
 *       becomes the recursive closure of the rows selected by the other keys, so a reply whose only link is its
 *       parent comment is found at any depth.
 *   <li>Every foreign key between two planned tables is an edge child → parent. Cycles (strongly connected
 *       components) are broken by dropping the edges that are not {@code via} keys and have nullable columns outside
 *       the child's predicate (not the tenant column, not a column of a {@code via} key) that no key references; each
 *       dropped edge becomes a {@link NullOut} that clears only those columns. A self-reference of an OWNED table with
 *       such columns also becomes a {@link NullOut}. A self-reference in {@code via} never does (nulling it would
 *       cut the path that selects the rows), nor does one without such columns: one {@code DELETE} statement removes
 *       all the tenant's rows of the table and PostgreSQL checks the keys at the end of the statement.
 *   <li>The tables are ordered children first; ties are broken by qualified name so plans are deterministic.
 *   <li>Each table is deleted in chunks by its primary key, unless it has none or has a foreign key to itself: then in
 *       one statement ({@link DeletionPlan#chunkKey}).
 * </ol>
 *
 * <p>Refused at planning, with a {@link PlanningException}: a tenant column of a type under which several ids select
 * the same rows ({@link TenantColumnTypes}), a self-referencing DEPENDENT table whose rows cannot be identified in
 * the recursive closure (no primary key, nullable referenced columns), and a plan whose statements would need more
 * than {@value PredicateSizes#MAX_BIND_PARAMETERS} bind parameters ({@link PredicateSizes}).
 */
public final class DeletionPlanner {

    private DeletionPlanner() {}

    /**
     * @param model the schema
     * @param settings which tables are considered and their tenant columns
     * @return the plan
     * @throws PlanningException if a configured tenant column does not exist or has an unsafe type, a foreign-key cycle
     *     cannot be broken, a self-referencing table's rows cannot be identified, or a statement would be too large
     */
    public static DeletionPlan plan(SchemaModel model, PlannerSettings settings) {
        List<SkippedTable> skipped = new ArrayList<>();
        List<Table> considered = new ArrayList<>();
        for (Table table : model.tables()) {
            String reason = settings.exclusionReason(table.name());
            if (reason == null) {
                considered.add(table);
            } else {
                skipped.add(new SkippedTable(table.name(), reason));
            }
        }
        Map<TableName, Column> tenantColumns = ownedTables(considered, settings);
        tenantColumns.forEach(TenantColumnTypes::requireExactMatch);
        BreakableColumns breakable = new BreakableColumns(model);
        Map<TableName, PlannedTable> planned = resolve(model, breakable, considered, tenantColumns);
        considered.stream()
                .filter(table -> !planned.containsKey(table.name()))
                .forEach(table -> skipped.add(globalTable(model, table, planned.keySet(), settings)));

        List<ForeignKey> edges = new ArrayList<>();
        List<ForeignKey> references = new ArrayList<>();
        List<NullOut> nullOuts = new ArrayList<>();
        for (ForeignKey key : model.foreignKeys()) {
            if (!planned.containsKey(key.child()) || !planned.containsKey(key.parent())) {
                continue;
            }
            references.add(key);
            if (!key.isSelfReference()) {
                edges.add(key);
            } else {
                List<String> columns = breakableColumns(breakable, planned, key);
                if (!columns.isEmpty()) {
                    nullOuts.add(new NullOut(key.child(), key, columns));
                }
            }
        }
        nullOuts.addAll(breakCycles(breakable, planned, edges));
        nullOuts.sort(Comparator.comparing(NullOut::table)
                .thenComparing(nullOut -> nullOut.foreignKey().name()));

        List<PlannedTable> ordered = new ForeignKeyGraph(planned.keySet(), edges)
                .childrenFirst().stream().map(planned::get).toList();
        skipped.sort(Comparator.comparing(SkippedTable::table));
        Map<TableName, List<String>> closureKeys = closureKeys(model, planned);
        PredicateSizes.requireBounded(planned.values());
        return new DeletionPlan(
                ordered,
                nullOuts,
                skipped,
                tenantColumns,
                closureKeys,
                primaryKeys(model, planned.keySet()),
                selfReferencing(model, planned.keySet()),
                references);
    }

    private static Map<TableName, Column> ownedTables(List<Table> considered, PlannerSettings settings) {
        Map<TableName, Column> tenantColumns = new TreeMap<>();
        for (Table table : considered) {
            String column = settings.tenantColumnFor(table.name());
            if (table.hasColumn(column)) {
                tenantColumns.put(table.name(), table.column(column));
            } else if (settings.hasConfiguredTenantColumn(table.name())) {
                throw new PlanningException(
                        "table " + table.name() + ": configured tenant column " + column + " does not exist");
            }
        }
        return tenantColumns;
    }

    private static Map<TableName, PlannedTable> resolve(
            SchemaModel model,
            BreakableColumns breakable,
            List<Table> considered,
            Map<TableName, Column> tenantColumns) {
        Map<TableName, PlannedTable> planned = rounds(model, considered, tenantColumns);
        linkDependentTables(model, breakable, planned);
        return planned;
    }

    /** Owned tables, then dependent tables round by round; here {@code via} only reaches tables of earlier rounds. */
    private static Map<TableName, PlannedTable> rounds(
            SchemaModel model, List<Table> considered, Map<TableName, Column> tenantColumns) {
        Map<TableName, PlannedTable> planned = new TreeMap<>();
        tenantColumns.forEach((table, column) ->
                planned.put(table, new PlannedTable(table, PlannedTable.Kind.OWNED, column.name(), List.of())));
        boolean grew = true;
        while (grew) {
            Set<TableName> earlierRounds = Set.copyOf(planned.keySet());
            List<PlannedTable> round = new ArrayList<>();
            for (Table table : considered) {
                if (earlierRounds.contains(table.name())) {
                    continue;
                }
                List<ForeignKey> via = model.foreignKeysFrom(table.name()).stream()
                        .filter(key -> earlierRounds.contains(key.parent()))
                        .toList();
                if (!via.isEmpty()) {
                    round.add(new PlannedTable(table.name(), PlannedTable.Kind.DEPENDENT, null, via));
                }
            }
            round.forEach(table -> planned.put(table.table(), table));
            grew = !round.isEmpty();
        }
        return planned;
    }

    /**
     * Adds to each DEPENDENT table's {@code via} its keys to other DEPENDENT tables that the rounds left out, and its
     * self-references. A key is added only if the keys that must stay (those in {@code via}, which select rows, and
     * those that cannot be broken, see {@link BreakableColumns}) form no new cycle with it: a cycle among them would
     * make the predicates infinite and the deletion order impossible. Adding a key can make other keys of its table
     * unbreakable (they share a column with it), so the whole graph of kept keys is checked. Keys are tried in the
     * model's order (child, parent, name), so the plan is deterministic.
     */
    private static void linkDependentTables(
            SchemaModel model, BreakableColumns breakable, Map<TableName, PlannedTable> planned) {
        Map<TableName, List<ForeignKey>> via = new TreeMap<>();
        planned.values().stream()
                .filter(table -> table.kind() == PlannedTable.Kind.DEPENDENT)
                .forEach(table -> via.put(table.table(), new ArrayList<>(table.via())));
        List<SortedSet<TableName>> cycles =
                keptKeys(model, breakable, planned, via).cycles();
        for (ForeignKey key : model.foreignKeys()) {
            if (isEdge(key, via) && !via.get(key.child()).contains(key)) {
                via.get(key.child()).add(key);
                if (!keptKeys(model, breakable, planned, via).cycles().equals(cycles)) {
                    via.get(key.child()).remove(key);
                }
            }
        }
        for (ForeignKey key : model.foreignKeys()) {
            if (key.isSelfReference() && via.containsKey(key.child())) {
                via.get(key.child()).add(key);
            }
        }
        via.forEach(
                (table, keys) -> planned.put(table, new PlannedTable(table, PlannedTable.Kind.DEPENDENT, null, keys)));
    }

    /** The graph of the keys between planned tables that no null-out can remove, for the {@code via} so far. */
    private static ForeignKeyGraph keptKeys(
            SchemaModel model,
            BreakableColumns breakable,
            Map<TableName, PlannedTable> planned,
            Map<TableName, List<ForeignKey>> via) {
        List<ForeignKey> kept = new ArrayList<>();
        for (ForeignKey key : model.foreignKeys()) {
            if (isEdge(key, planned)) {
                List<ForeignKey> childVia = via.getOrDefault(key.child(), List.of());
                String tenantColumn = planned.get(key.child()).tenantColumn();
                if (breakable.of(tenantColumn, childVia, key).isEmpty()) {
                    kept.add(key);
                }
            }
        }
        return new ForeignKeyGraph(planned.keySet(), kept);
    }

    private static List<String> breakableColumns(
            BreakableColumns breakable, Map<TableName, PlannedTable> planned, ForeignKey key) {
        PlannedTable child = planned.get(key.child());
        return breakable.of(child.tenantColumn(), child.via(), key);
    }

    /**
     * The columns by which each DEPENDENT table with a self-reference in {@code via} identifies its rows in the
     * recursive closure: its primary key, else the columns its self-references point at if none of them accepts
     * {@code NULL} (they are then a unique key). A closure over nullable columns would miss the rows where they are
     * {@code NULL}, so such a table cannot be planned.
     */
    private static Map<TableName, List<String>> closureKeys(SchemaModel model, Map<TableName, PlannedTable> planned) {
        Map<TableName, List<String>> closureKeys = new TreeMap<>();
        for (PlannedTable table : planned.values()) {
            List<String> referenced = table.via().stream()
                    .filter(ForeignKey::isSelfReference)
                    .flatMap(key -> key.parentColumns().stream())
                    .distinct()
                    .toList();
            if (referenced.isEmpty()) {
                continue;
            }
            Table definition = model.table(table.table());
            if (!definition.primaryKey().isEmpty()) {
                closureKeys.put(table.table(), definition.primaryKey());
            } else if (referenced.stream()
                    .noneMatch(column -> definition.column(column).nullable())) {
                closureKeys.put(table.table(), referenced);
            } else {
                throw new PlanningException("table " + table.table() + ": rows that reach the tenant through the"
                        + " self-reference to nullable columns " + String.join(", ", referenced)
                        + " cannot be identified; add a primary key to the table");
            }
        }
        return closureKeys;
    }

    private static Map<TableName, List<String>> primaryKeys(SchemaModel model, Set<TableName> planned) {
        Map<TableName, List<String>> primaryKeys = new TreeMap<>();
        planned.forEach(table -> primaryKeys.put(table, model.table(table).primaryKey()));
        return primaryKeys;
    }

    /**
     * The planned tables with a foreign key to themselves, whether it selects rows, is nulled out or neither: a new
     * row inserted while the tenant is deleted can reference a row of an earlier chunk again.
     */
    private static Set<TableName> selfReferencing(SchemaModel model, Set<TableName> planned) {
        Set<TableName> selfReferencing = new TreeSet<>();
        model.foreignKeys().stream()
                .filter(key -> key.isSelfReference() && planned.contains(key.child()))
                .forEach(key -> selfReferencing.add(key.child()));
        return selfReferencing;
    }

    private static boolean isEdge(ForeignKey key, Map<TableName, ?> between) {
        return !key.isSelfReference() && between.containsKey(key.child()) && between.containsKey(key.parent());
    }

    private static SkippedTable globalTable(
            SchemaModel model, Table table, Set<TableName> planned, PlannerSettings settings) {
        SortedSet<TableName> referencedBy = new TreeSet<>();
        model.foreignKeys().stream()
                .filter(key -> key.parent().equals(table.name()) && planned.contains(key.child()))
                .forEach(key -> referencedBy.add(key.child()));
        String reason = "no column " + settings.tenantColumnFor(table.name())
                + " and no foreign key to the tenant's rows: a global table";
        if (!referencedBy.isEmpty()) {
            reason += ", referenced by "
                    + String.join(
                            ", ",
                            referencedBy.stream().map(TableName::qualified).toList());
        }
        return new SkippedTable(table.name(), reason);
    }

    /**
     * Drops breakable edges inside each cycle until none is left; removes them from {@code edges}.
     *
     * @return the dropped edges as null-outs
     */
    private static List<NullOut> breakCycles(
            BreakableColumns breakable, Map<TableName, PlannedTable> planned, List<ForeignKey> edges) {
        List<NullOut> nullOuts = new ArrayList<>();
        List<SortedSet<TableName>> cycles = new ForeignKeyGraph(planned.keySet(), edges).cycles();
        while (!cycles.isEmpty()) {
            for (SortedSet<TableName> cycle : cycles) {
                List<ForeignKey> droppable = edges.stream()
                        .filter(key -> cycle.contains(key.child()) && cycle.contains(key.parent()))
                        .filter(key ->
                                !breakableColumns(breakable, planned, key).isEmpty())
                        .toList();
                if (droppable.isEmpty()) {
                    throw new PlanningException("cannot order deletion: tables "
                            + String.join(
                                    ", ",
                                    cycle.stream().map(TableName::qualified).toList())
                            + " form a foreign-key cycle with no nullable column to break it");
                }
                edges.removeAll(droppable);
                droppable.forEach(
                        key -> nullOuts.add(new NullOut(key.child(), key, breakableColumns(breakable, planned, key))));
            }
            cycles = new ForeignKeyGraph(planned.keySet(), edges).cycles();
        }
        return nullOuts;
    }
}
