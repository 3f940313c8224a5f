package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@link TenantRows} reads from the catalog about the plan's tables, kept by a deleter for its plan so that the
 * catalog is read once per table rather than once per job (thread-safe).
 *
 * @param keyTypes the key columns' types, per table, as {@code format_type} spells them
 * @param beforeDeleteTriggers whether a table has a row trigger that runs before a delete ({@link
 *     TenantRows#deletesInOneStatement})
 * @param referenceChecks the {@link BatchedReferenceCheck.Decision} for a chunk, by its table, key and carried tables
 * @param maySkipTriggers whether the connection's role may set {@code session_replication_role} ({@link
 *     BatchedReferenceCheck#mayBeUsed}), once read
 */
record CatalogCache(
        Map<TableName, List<String>> keyTypes,
        Map<TableName, Boolean> beforeDeleteTriggers,
        Map<List<Object>, BatchedReferenceCheck.Decision> referenceChecks,
        AtomicReference<Boolean> maySkipTriggers) {

    static CatalogCache create() {
        return new CatalogCache(
                new ConcurrentHashMap<>(),
                new ConcurrentHashMap<>(),
                new ConcurrentHashMap<>(),
                new AtomicReference<>());
    }
}
