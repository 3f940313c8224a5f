package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.NullOut;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DEPENDENT tables whose rows a whole-tenant delete removes chunk by chunk together with the rows they depend on,
 * instead of with a selection of their own. A table is <em>carried</em> by its parent when it reaches the tenant
 * through exactly one foreign key, to another table: the statement that deletes each chunk of the parent's keys also
 * deletes the carried rows that reference the parents it deleted ({@code fk = ANY(ARRAY(SELECT pk FROM
 * lethe_changed))}, an index lookup per parent key), and PostgreSQL checks the foreign keys at its end ({@link
 * DeletionStatements#deleteChunkCarrying}; carried tables first, a statement each, where a trigger could tell the
 * difference). The carried table's rows are found through the chunk's keys rather than by a second join over the
 * whole tenant. Carried tables may carry tables of their own; the chain ends at a <em>root</em>
 * that is deleted in chunks by its primary key.
 *
 * <p>A table is carried only if moving its delete to its root's chunks keeps every foreign key satisfied, and
 * otherwise keeps its own place and selection:
 *
 * <ul>
 *   <li>it and its root are deleted (not anonymized or retained), the root has a chunk key, and the table has no
 *       foreign key to itself;
 *   <li>its carrying key is {@code ON DELETE NO ACTION} or {@code RESTRICT}: rows of it that survive their delete (a
 *       trigger that skips them) must make the parents' delete fail, where {@code SET NULL} would detach them from the
 *       tenant unseen and {@code CASCADE} would be asked to delete them again;
 *   <li>within a root's group (the root and the tables it carries) the only foreign keys are the carrying ones: any
 *       other would tie rows of one chunk to rows of another;
 *   <li>between groups, every foreign key still points from a table deleted earlier to one deleted later, with each
 *       carried table deleted at its root's place, deepest first; keys that the plan sets to {@code NULL} first do
 *       not count.
 * </ul>
 *
 * <p>Only a whole-tenant hard delete carries tables: a scoped delete selects through the scope, and a soft delete
 * hides rows by key, table by table.
 */
final class CarriedTables {

    /**
     * A table deleted with its root's chunks.
     *
     * @param table the carried table
     * @param path the carrying foreign keys from the table up to the root, the table's own first
     */
    record Carried(PlannedTable table, List<ForeignKey> path) {

        Carried {
            path = List.copyOf(path);
        }
    }

    /** {@return the carried tables' names, qualified, joined by commas, as the logs write a group} */
    static String names(List<Carried> group) {
        return String.join(
                ", ", group.stream().map(c -> c.table().table().qualified()).toList());
    }

    private static final CarriedTables NONE = new CarriedTables(Map.of());

    private final Map<TableName, List<Carried>> byRoot;
    private final Set<TableName> carried = new HashSet<>();

    private CarriedTables(Map<TableName, List<Carried>> byRoot) {
        this.byRoot = Map.copyOf(byRoot);
        byRoot.values().forEach(list -> list.forEach(c -> carried.add(c.table().table())));
    }

    /** {@return no table carried: every table is deleted by its own selection} */
    static CarriedTables none() {
        return NONE;
    }

    /** {@return which of the plan's tables a whole-tenant hard delete carries with their roots} */
    static CarriedTables of(DeletionPlan plan, TablePolicies policies) {
        List<PlannedTable> order = plan.tables();
        Map<TableName, Integer> index = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            index.put(order.get(i).table(), i);
        }
        Set<TableName> selfReferencing = new HashSet<>();
        for (ForeignKey key : plan.references()) {
            if (key.isSelfReference()) {
                selfReferencing.add(key.child());
            }
        }
        Map<TableName, ForeignKey> carrying = new LinkedHashMap<>();
        for (PlannedTable table : order) {
            if (table.kind() == PlannedTable.Kind.DEPENDENT
                    && table.via().size() == 1
                    && !table.via().get(0).isSelfReference()
                    // Rows that survive their delete must stop the parents' delete, not be detached or cascaded.
                    && table.via().get(0).onDelete().refusesDelete()
                    && !selfReferencing.contains(table.table())
                    && policies.kindOf(table.table()) == TablePolicy.Kind.DELETE) {
                carrying.put(table.table(), table.via().get(0));
            }
        }
        Set<ForeignKey> nulledOut = new HashSet<>();
        plan.nullOuts().stream().map(NullOut::foreignKey).forEach(nulledOut::add);
        while (true) {
            TableName removed = firstToKeepInPlace(plan, policies, index, carrying, nulledOut);
            if (removed == null) {
                break;
            }
            carrying.remove(removed);
        }
        Map<TableName, List<Carried>> byRoot = new LinkedHashMap<>();
        for (PlannedTable table : order) {
            if (!carrying.containsKey(table.table())) {
                continue;
            }
            List<ForeignKey> path = new ArrayList<>();
            TableName at = table.table();
            while (carrying.containsKey(at)) {
                ForeignKey key = carrying.get(at);
                path.add(key);
                at = key.parent();
            }
            byRoot.computeIfAbsent(at, root -> new ArrayList<>()).add(new Carried(table, path));
        }
        return new CarriedTables(byRoot);
    }

    /**
     * {@return a table that cannot be carried as {@code carrying} stands, or {@code null} if all of them can} Each call
     * removes one; removing a table only puts it back in its own place, so the loop ends.
     */
    private static TableName firstToKeepInPlace(
            DeletionPlan plan,
            TablePolicies policies,
            Map<TableName, Integer> index,
            Map<TableName, ForeignKey> carrying,
            Set<ForeignKey> nulledOut) {
        Map<TableName, TableName> roots = new HashMap<>();
        for (TableName table : carrying.keySet()) {
            TableName below = table;
            TableName root = carrying.get(table).parent();
            while (carrying.containsKey(root)) {
                below = root;
                root = carrying.get(root).parent();
            }
            if (!index.containsKey(root)
                    || plan.chunkKey(root).isEmpty()
                    || policies.kindOf(root) != TablePolicy.Kind.DELETE) {
                // The table next to a root that cannot carry keeps its place, and may carry the ones below it.
                return below;
            }
            roots.put(table, root);
        }
        for (ForeignKey key : plan.references()) {
            if (key.isSelfReference() || nulledOut.contains(key)) {
                continue;
            }
            TableName child = key.child();
            TableName parent = key.parent();
            TableName childGroup = roots.getOrDefault(child, child);
            TableName parentGroup = roots.getOrDefault(parent, parent);
            boolean broken = childGroup.equals(parentGroup)
                    ? !key.equals(carrying.get(child))
                    : position(child, childGroup, index, carrying) >= position(parent, parentGroup, index, carrying);
            if (broken && carrying.containsKey(child)) {
                return child;
            }
            if (broken && carrying.containsKey(parent)) {
                return parent;
            }
        }
        return null;
    }

    /** Where a table is deleted: at its group's root's place, carried tables before the root in plan order. */
    private static long position(
            TableName table, TableName group, Map<TableName, Integer> index, Map<TableName, ForeignKey> carrying) {
        long place = (long) index.get(group) * 2 * (index.size() + 1);
        return carrying.containsKey(table) ? place + index.get(table) : place + index.size() + 1;
    }

    /** {@return whether the table is deleted with its root's chunks instead of in its own place} */
    boolean isCarried(TableName table) {
        return carried.contains(table);
    }

    /** {@return the tables deleted with each chunk of the root's keys, in plan order (children first)} */
    List<Carried> carriedBy(TableName root) {
        return byRoot.getOrDefault(root, List.of());
    }

    /** {@return a line per root for the start-up log, empty if nothing is carried} */
    List<String> describe() {
        return byRoot.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TableName::qualified)))
                .map(entry -> entry.getKey() + " carries " + names(entry.getValue()))
                .toList();
    }
}
