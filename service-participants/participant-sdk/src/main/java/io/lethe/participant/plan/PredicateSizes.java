package io.lethe.participant.plan;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the size of the executor's statements. A DEPENDENT table's predicate contains its parents' predicates, one
 * copy per {@code via} key, so its size, and its number of tenant-id bind parameters, is the number of foreign-key
 * paths from the table to OWNED tables, which can grow exponentially with the depth of the schema. PgJDBC accepts at
 * most 65,535 parameters per statement; a plan that comes near is refused at start-up rather than failing each job.
 */
final class PredicateSizes {

    /** The most bind parameters one statement of a plan may have. */
    static final long MAX_BIND_PARAMETERS = 10_000;

    private PredicateSizes() {}

    /**
     * @param planned the planned tables, with their final {@code via} keys (acyclic apart from self-references)
     * @throws PlanningException naming the first table, by name, whose largest statement would be too large
     */
    static void requireBounded(Collection<PlannedTable> planned) {
        Map<TableName, PlannedTable> byName = new HashMap<>();
        planned.forEach(table -> byName.put(table.table(), table));
        Map<TableName, Long> sizes = new HashMap<>();
        planned.stream().sorted((a, b) -> a.table().compareTo(b.table())).forEach(table -> {
            long largest = largestStatement(table, predicateSize(table, byName, sizes));
            if (largest > MAX_BIND_PARAMETERS) {
                throw new PlanningException("table " + table.table() + ": selecting its rows needs more than "
                        + MAX_BIND_PARAMETERS + " tenant-id bind parameters in one statement (one per"
                        + " foreign-key path to the tenant's rows); exclude tables or foreign-key paths");
            }
        });
    }

    /**
     * The cross-tenant check of a table with more than one {@code via} key repeats the table's predicate, each
     * parent's predicate once per key, and the predicate once more per self-reference.
     */
    private static long largestStatement(PlannedTable table, long predicate) {
        if (table.via().size() < 2) {
            return predicate;
        }
        long selfReferences =
                table.via().stream().filter(ForeignKey::isSelfReference).count();
        return saturated(predicate * (2 + selfReferences));
    }

    private static long predicateSize(
            PlannedTable table, Map<TableName, PlannedTable> byName, Map<TableName, Long> sizes) {
        Long known = sizes.get(table.table());
        if (known != null) {
            return known;
        }
        long size = table.kind() == PlannedTable.Kind.OWNED ? 1 : 0;
        for (ForeignKey key : table.via()) {
            if (!key.isSelfReference()) {
                size = saturated(size + predicateSize(byName.get(key.parent()), byName, sizes));
            }
        }
        sizes.put(table.table(), size);
        return size;
    }

    /** Keeps sums and products of sizes far from overflow; anything this large is refused anyway. */
    private static long saturated(long size) {
        return Math.min(size, MAX_BIND_PARAMETERS * MAX_BIND_PARAMETERS);
    }
}
