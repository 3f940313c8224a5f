package io.lethe.participant.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The planned tables and the foreign keys between them, as a directed graph with an edge child → parent. Iteration is
 * always in qualified-name order so that plans are deterministic.
 */
final class ForeignKeyGraph {

    private final SortedSet<TableName> tables;
    private final Map<TableName, SortedSet<TableName>> parents = new TreeMap<>();

    ForeignKeyGraph(Collection<TableName> tables, Collection<ForeignKey> edges) {
        this.tables = new TreeSet<>(tables);
        this.tables.forEach(table -> parents.put(table, new TreeSet<>()));
        for (ForeignKey edge : edges) {
            if (edge.isSelfReference() || !this.tables.contains(edge.child()) || !this.tables.contains(edge.parent())) {
                throw new IllegalArgumentException("not an edge between two planned tables: " + edge.describe());
            }
            parents.get(edge.child()).add(edge.parent());
        }
    }

    /** {@return the strongly connected components of more than one table, each sorted, in order of first table} */
    List<SortedSet<TableName>> cycles() {
        Tarjan tarjan = new Tarjan();
        tables.forEach(tarjan::visitIfNew);
        return tarjan.components.stream()
                .filter(component -> component.size() > 1)
                .sorted((a, b) -> a.first().compareTo(b.first()))
                .toList();
    }

    /**
     * Kahn's algorithm, emitting a table once every table that references it has been emitted; among the tables that
     * are ready, the first by qualified name goes first.
     *
     * @return the tables, children before parents
     * @throws IllegalStateException if the graph has a cycle (callers break cycles first)
     */
    List<TableName> childrenFirst() {
        Map<TableName, Integer> unemittedChildren = new HashMap<>();
        tables.forEach(table -> unemittedChildren.put(table, 0));
        parents.values().forEach(ps -> ps.forEach(parent -> unemittedChildren.merge(parent, 1, Integer::sum)));
        SortedSet<TableName> ready = new TreeSet<>();
        unemittedChildren.forEach((table, count) -> {
            if (count == 0) {
                ready.add(table);
            }
        });
        List<TableName> order = new ArrayList<>(tables.size());
        while (!ready.isEmpty()) {
            TableName next = ready.first();
            ready.remove(next);
            order.add(next);
            for (TableName parent : parents.get(next)) {
                if (unemittedChildren.merge(parent, -1, Integer::sum) == 0) {
                    ready.add(parent);
                }
            }
        }
        if (order.size() != tables.size()) {
            throw new IllegalStateException("foreign-key graph still has a cycle");
        }
        return order;
    }

    /**
     * @param from a table of the graph
     * @param to a table of the graph
     * @return whether a path of one or more edges leads from {@code from} to {@code to}
     */
    boolean reaches(TableName from, TableName to) {
        Deque<TableName> pending = new ArrayDeque<>(parents.get(from));
        Set<TableName> seen = new TreeSet<>();
        while (!pending.isEmpty()) {
            TableName table = pending.pop();
            if (table.equals(to)) {
                return true;
            }
            if (seen.add(table)) {
                pending.addAll(parents.get(table));
            }
        }
        return false;
    }

    /** Tarjan's strongly connected components; recursion depth is bounded by the number of tables. */
    private final class Tarjan {

        private final Map<TableName, Integer> index = new HashMap<>();
        private final Map<TableName, Integer> lowLink = new HashMap<>();
        private final Deque<TableName> stack = new ArrayDeque<>();
        private final Set<TableName> onStack = new TreeSet<>();
        private final List<SortedSet<TableName>> components = new ArrayList<>();

        void visitIfNew(TableName table) {
            if (!index.containsKey(table)) {
                visit(table);
            }
        }

        private void visit(TableName table) {
            index.put(table, index.size());
            lowLink.put(table, index.get(table));
            stack.push(table);
            onStack.add(table);
            for (TableName parent : parents.get(table)) {
                if (!index.containsKey(parent)) {
                    visit(parent);
                    lowLink.put(table, Math.min(lowLink.get(table), lowLink.get(parent)));
                } else if (onStack.contains(parent)) {
                    lowLink.put(table, Math.min(lowLink.get(table), index.get(parent)));
                }
            }
            if (lowLink.get(table).equals(index.get(table))) {
                SortedSet<TableName> component = new TreeSet<>();
                TableName member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(table));
                components.add(component);
            }
        }
    }
}
