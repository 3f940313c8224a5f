package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link TenantRows} reads from the catalog about the plan's tables, kept by a deleter for its plan so that the
 * catalog is read once per table rather than once per job (thread-safe).
 *
 * @param keyTypes the key columns' types, per table, as {@code format_type} spells them
 * @param beforeDeleteTriggers whether a table has a row trigger that runs before a delete ({@link
 *     TenantRows#deletesInOneStatement})
 */
record CatalogCache(Map<TableName, List<String>> keyTypes, Map<TableName, Boolean> beforeDeleteTriggers) {

    static CatalogCache create() {
        return new CatalogCache(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }
}
