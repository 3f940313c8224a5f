package io.lethe.participant.plan;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@link DeletionPlanner} considers. Table names in {@code tenantColumns}, {@code includeTables} and {@code
 * excludeTables} may be unqualified ({@code orders}) or schema-qualified ({@code public.orders}); they are matched
 * exactly (case-sensitively) against the names the database's metadata reports.
 *
 * @param schemas the schemas to read and plan; empty means the connection's current schema
 * @param defaultTenantColumn the column that holds the tenant id in a table that has no entry in {@code
 *     tenantColumns}; {@code tenant_id} if {@code null}
 * @param tenantColumns per-table tenant column, by table name
 * @param includeTables if not empty, only these tables are considered
 * @param excludeTables tables that are never considered (and never touched)
 */
public record PlannerSettings(
        List<String> schemas,
        String defaultTenantColumn,
        Map<String, String> tenantColumns,
        Set<String> includeTables,
        Set<String> excludeTables) {

    /** The tenant column used when none is configured. */
    public static final String DEFAULT_TENANT_COLUMN = "tenant_id";

    public PlannerSettings {
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        defaultTenantColumn = defaultTenantColumn == null ? DEFAULT_TENANT_COLUMN : defaultTenantColumn;
        tenantColumns = tenantColumns == null ? Map.of() : Map.copyOf(tenantColumns);
        includeTables = includeTables == null ? Set.of() : Set.copyOf(includeTables);
        excludeTables = excludeTables == null ? Set.of() : Set.copyOf(excludeTables);
        if (defaultTenantColumn.isBlank()) {
            throw new IllegalArgumentException("defaultTenantColumn must not be blank");
        }
        schemas.forEach(schema -> requireNonBlank(schema, "schemas"));
        tenantColumns.forEach((table, column) -> {
            requireNonBlank(table, "tenantColumns");
            requireNonBlank(column, "tenantColumns[" + table + "]");
        });
        includeTables.forEach(table -> requireNonBlank(table, "includeTables"));
        excludeTables.forEach(table -> requireNonBlank(table, "excludeTables"));
    }

    /** {@return the current schema, {@code tenant_id} everywhere, every table} */
    public static PlannerSettings defaults() {
        return new PlannerSettings(List.of(), DEFAULT_TENANT_COLUMN, Map.of(), Set.of(), Set.of());
    }

    /**
     * @param table a table
     * @return its tenant column: the configured one (qualified name first, then unqualified), else the default
     */
    public String tenantColumnFor(TableName table) {
        String column = tenantColumns.get(table.qualified());
        if (column == null) {
            column = tenantColumns.get(table.name());
        }
        return column == null ? defaultTenantColumn : column;
    }

    /**
     * @param table a table
     * @return whether a tenant column is configured for the table (as opposed to the default)
     */
    public boolean hasConfiguredTenantColumn(TableName table) {
        return tenantColumns.containsKey(table.qualified()) || tenantColumns.containsKey(table.name());
    }

    /**
     * @param table a table
     * @return why the settings leave the table out, or {@code null} if they let it in
     */
    String exclusionReason(TableName table) {
        if (!schemas.isEmpty() && !schemas.contains(table.schema())) {
            return "schema " + table.schema() + " is not in the configured schemas";
        }
        if (matches(excludeTables, table)) {
            return "excluded by configuration (excludeTables)";
        }
        if (!includeTables.isEmpty() && !matches(includeTables, table)) {
            return "not listed in includeTables";
        }
        return null;
    }

    private static boolean matches(Set<String> names, TableName table) {
        return names.contains(table.qualified()) || names.contains(table.name());
    }

    private static void requireNonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not contain blank names");
        }
    }
}
