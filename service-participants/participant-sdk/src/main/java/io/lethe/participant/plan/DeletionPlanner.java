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
 *       NOT NULL keys) stays acyclic. That keeps the composed SQL predicates finite and every cycle breakable. Its
 *       self-references join {@code via} as well: its predicate becomes the recursive closure of the rows selected
 *       by the other keys, so a reply whose only link is its parent comment is found at any depth.
 *   <li>Every foreign key between two planned tables is an edge child → parent. Cycles (strongly connected
 *       components) are broken by dropping the edges that are nullable and do not carry the child's predicate; each
 *       dropped edge becomes a {@link NullOut}. A nullable self-reference of an OWNED table also becomes a {@link
 *       NullOut}. A self-reference in {@code via} never does (nulling it would cut the path that selects the rows),
 *       nor does a non-null one: one {@code DELETE} statement removes all the tenant's rows of the table and
 *       PostgreSQL checks the keys at the end of the statement.
 *   <li>The tables are ordered children first; ties are broken by qualified name so plans are deterministic.
 * </ol>
 */
public final class DeletionPlanner {

    private DeletionPlanner() {}

    /**
     * @param model the schema
     * @param settings which tables are considered and their tenant columns
     * @return the plan
     * @throws PlanningException if a configured tenant column does not exist or a foreign-key cycle cannot be broken
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
        Map<TableName, PlannedTable> planned = resolve(model, considered, tenantColumns);
        considered.stream()
                .filter(table -> !planned.containsKey(table.name()))
                .forEach(table -> skipped.add(globalTable(model, table, planned.keySet(), settings)));

        List<ForeignKey> edges = new ArrayList<>();
        List<NullOut> nullOuts = new ArrayList<>();
        for (ForeignKey key : model.foreignKeys()) {
            if (!planned.containsKey(key.child()) || !planned.containsKey(key.parent())) {
                continue;
            }
            if (!key.isSelfReference()) {
                edges.add(key);
            } else if (model.isNullable(key) && !planned.get(key.child()).via().contains(key)) {
                nullOuts.add(new NullOut(key.child(), key));
            }
        }
        nullOuts.addAll(breakCycles(model, planned, edges));
        nullOuts.sort(Comparator.comparing(NullOut::table)
                .thenComparing(nullOut -> nullOut.foreignKey().name()));

        List<PlannedTable> ordered = new ForeignKeyGraph(planned.keySet(), edges)
                .childrenFirst().stream().map(planned::get).toList();
        skipped.sort(Comparator.comparing(SkippedTable::table));
        return new DeletionPlan(ordered, nullOuts, skipped, tenantColumns);
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
            SchemaModel model, List<Table> considered, Map<TableName, Column> tenantColumns) {
        Map<TableName, PlannedTable> planned = rounds(model, considered, tenantColumns);
        linkDependentTables(model, planned);
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
     * self-references. A key is added only if its parent does not already reach its child through keys that must
     * stay (those in {@code via}, which select rows, and NOT NULL ones, which cannot be nulled out): a cycle among
     * them would make the predicates infinite and the deletion order impossible. Keys are tried in the model's order
     * (child, parent, name), so the plan is deterministic.
     */
    private static void linkDependentTables(SchemaModel model, Map<TableName, PlannedTable> planned) {
        Map<TableName, List<ForeignKey>> via = new TreeMap<>();
        planned.values().stream()
                .filter(table -> table.kind() == PlannedTable.Kind.DEPENDENT)
                .forEach(table -> via.put(table.table(), new ArrayList<>(table.via())));
        List<ForeignKey> kept = new ArrayList<>();
        for (ForeignKey key : model.foreignKeys()) {
            if (isEdge(key, planned)
                    && (!model.isNullable(key) || planned.get(key.child()).via().contains(key))) {
                kept.add(key);
            }
        }
        for (ForeignKey key : model.foreignKeys()) {
            if (isEdge(key, via)
                    && !via.get(key.child()).contains(key)
                    && !new ForeignKeyGraph(planned.keySet(), kept).reaches(key.parent(), key.child())) {
                via.get(key.child()).add(key);
                kept.add(key);
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
            SchemaModel model, Map<TableName, PlannedTable> planned, List<ForeignKey> edges) {
        List<NullOut> nullOuts = new ArrayList<>();
        List<SortedSet<TableName>> cycles = new ForeignKeyGraph(planned.keySet(), edges).cycles();
        while (!cycles.isEmpty()) {
            for (SortedSet<TableName> cycle : cycles) {
                List<ForeignKey> breakable = edges.stream()
                        .filter(key -> cycle.contains(key.child()) && cycle.contains(key.parent()))
                        .filter(key -> model.isNullable(key)
                                && !planned.get(key.child()).via().contains(key))
                        .toList();
                if (breakable.isEmpty()) {
                    throw new PlanningException("cannot order deletion: tables "
                            + String.join(
                                    ", ",
                                    cycle.stream().map(TableName::qualified).toList())
                            + " form a foreign-key cycle with no nullable column to break it");
                }
                edges.removeAll(breakable);
                breakable.forEach(key -> nullOuts.add(new NullOut(key.child(), key)));
            }
            cycles = new ForeignKeyGraph(planned.keySet(), edges).cycles();
        }
        return nullOuts;
    }
}
