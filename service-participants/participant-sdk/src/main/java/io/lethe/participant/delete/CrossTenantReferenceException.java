package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.sql.SQLException;

/**
 * Rows that the plan selects for the tenant also reference rows outside the tenant's rows: deleting them would change
 * another tenant's data. Thrown inside the transaction, like the driver's own {@link SQLException}s, so that the
 * deletion rolls back on the same path; {@link SqlFailures} reports it as {@code CROSS_TENANT_REFERENCE}. The message
 * names the table and the count, never row contents.
 */
final class CrossTenantReferenceException extends SQLException {

    private static final long serialVersionUID = 1L;

    private final transient TableName table;
    private final long rows;

    CrossTenantReferenceException(TableName table, long rows) {
        super("table " + table.qualified() + " has " + rows
                + " rows that reference both this tenant's rows and rows outside it");
        this.table = table;
        this.rows = rows;
    }

    TableName table() {
        return table;
    }

    long rows() {
        return rows;
    }
}
