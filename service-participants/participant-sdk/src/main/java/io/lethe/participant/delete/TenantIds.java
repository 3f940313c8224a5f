package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Converts a tenant id once to each type its plan binds it as, before any statement runs: a tenant id that does not
 * fit a tenant column (e.g. {@code acme} for a {@code uuid} column), or fits it only in a non-canonical form ({@code
 * 007} for a {@code bigint} column), is a permanent failure that deletes nothing.
 */
final class TenantIds {

    /** For each type, the first owned table (in deletion order) whose tenant column has it, to name in failures. */
    private final Map<TenantIdType, TableName> tableByType;

    private TenantIds(Map<TenantIdType, TableName> tableByType) {
        this.tableByType = tableByType;
    }

    static TenantIds of(DeletionPlan plan) {
        Map<TenantIdType, TableName> tableByType = new LinkedHashMap<>();
        for (PlannedTable table : plan.tables()) {
            if (table.kind() == PlannedTable.Kind.OWNED) {
                tableByType.putIfAbsent(TenantIdType.of(plan.tenantColumn(table.table())), table.table());
            }
        }
        return new TenantIds(tableByType);
    }

    /**
     * @param tenantId the tenant id as received
     * @return the value to bind for each type, or empty if the id does not fit one of them
     */
    Optional<Map<TenantIdType, Object>> convert(String tenantId) {
        Map<TenantIdType, Object> values = new EnumMap<>(TenantIdType.class);
        for (TenantIdType type : tableByType.keySet()) {
            if (!type.accepts(tenantId)) {
                return Optional.empty();
            }
            values.put(type, type.convert(tenantId));
        }
        return Optional.of(values);
    }

    /** {@return the failure for a task whose tenant id {@link #convert} rejected, naming the first unfit table} */
    DeletionResult.Failed invalid(DeletionTask task, Instant at) {
        Map.Entry<TenantIdType, TableName> unfit = tableByType.entrySet().stream()
                .filter(entry -> !entry.getKey().accepts(task.tenantId()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "job " + task.jobId() + ": tenant id " + task.tenantId() + " is valid"));
        String message = String.format(
                "job %s tenant %s: tenant id is not a valid %s in canonical form for the tenant column of table %s",
                task.jobId(), task.tenantId(), unfit.getKey().displayName(), unfit.getValue());
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.INVALID_TENANT_ID,
                message,
                unfit.getValue().qualified(),
                false,
                at);
    }
}
