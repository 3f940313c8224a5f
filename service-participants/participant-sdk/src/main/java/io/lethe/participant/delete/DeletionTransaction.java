package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.NullOut;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan's statements for one tenant on one connection, inside the caller's transaction. Remembers the table being
 * processed so that a failure can name it. Every statement is set-based: no row is loaded into the JVM.
 */
final class DeletionTransaction {

    private final Connection connection;
    private final DeletionPlan plan;
    private final DeletionStatements statements;
    private final Map<TenantIdType, Object> tenantIds;
    private TableName current;

    DeletionTransaction(Connection connection, DeletionPlan plan, Map<TenantIdType, Object> tenantIds)
            throws SQLException {
        this.connection = connection;
        this.plan = plan;
        this.statements = new DeletionStatements(plan, connection.getMetaData().getIdentifierQuoteString());
        this.tenantIds = tenantIds;
    }

    /** {@return the table whose statement is running or failed; {@code null} between steps} */
    TableName currentTable() {
        return current;
    }

    /** Detaches the tenant's rows from the foreign keys that close cycles, before anything is deleted. */
    void nullOut() throws SQLException {
        for (NullOut nullOut : plan.nullOuts()) {
            current = nullOut.table();
            update(statements.nullOut(nullOut));
        }
        current = null;
    }

    /**
     * Deletes children first. Before a DEPENDENT table with more than one {@code via} key is deleted from, its selected
     * rows that also reference rows outside the tenant's are counted; if there are any, the deletion stops with a
     * {@link CrossTenantReferenceException} (the caller rolls back). A DEPENDENT table is counted right after its own
     * {@code DELETE}: its predicate selects rows through its parents, which still exist then (they are deleted later),
     * so the count sees the tenant's rows that survived, e.g. because a trigger or rule skipped them. Deleting stops at
     * the first such table: its parents' deletes would only fail on the survivors and name the parent instead.
     *
     * @return one result per table deleted from, in deletion order; only the last can have {@code rowsRemaining > 0}
     * @throws CrossTenantReferenceException if a table's selected rows also reference another tenant's rows
     */
    List<TableResult> delete() throws SQLException {
        List<TableResult> results = new ArrayList<>();
        for (PlannedTable table : plan.tables()) {
            current = table.table();
            requireNoCrossTenantReferences(table);
            long deleted = update(statements.delete(table));
            long remaining = table.kind() == PlannedTable.Kind.DEPENDENT ? count(statements.count(table)) : 0;
            results.add(new TableResult(current.qualified(), deleted, remaining));
            if (remaining > 0) {
                break;
            }
        }
        current = null;
        return results;
    }

    /**
     * Finds the tenant's rows left after {@link #delete()}: a DEPENDENT table it already counted, else each OWNED
     * table, counted now. OWNED tables are counted after all deletes because their predicate needs no parent.
     *
     * @param deleted the results of {@link #delete()}
     * @return the first table, in deletion order, that still has rows of the tenant, with their count
     */
    Optional<TableResult> firstTableWithRemainingRows(List<TableResult> deleted) throws SQLException {
        Optional<TableResult> dependent =
                deleted.stream().filter(table -> table.rowsRemaining() > 0).findFirst();
        if (dependent.isPresent()) {
            return dependent;
        }
        for (PlannedTable table : plan.tables()) {
            if (table.kind() == PlannedTable.Kind.OWNED) {
                current = table.table();
                long remaining = count(statements.count(table));
                if (remaining > 0) {
                    return Optional.of(new TableResult(current.qualified(), 0, remaining));
                }
            }
        }
        current = null;
        return Optional.empty();
    }

    private void requireNoCrossTenantReferences(PlannedTable table) throws SQLException {
        if (table.kind() == PlannedTable.Kind.DEPENDENT && table.via().size() > 1) {
            long rows = count(statements.crossTenantReferences(table));
            if (rows > 0) {
                throw new CrossTenantReferenceException(table.table(), rows);
            }
        }
    }

    private long update(SqlFragment sql) throws SQLException {
        try (PreparedStatement statement = prepare(sql)) {
            return statement.executeLargeUpdate();
        }
    }

    private long count(SqlFragment sql) throws SQLException {
        try (PreparedStatement statement = prepare(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Binds the tenant id, converted to each parameter's type, to every {@code ?}. */
    private PreparedStatement prepare(SqlFragment sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.sql());
        try {
            for (int i = 0; i < sql.parameters().size(); i++) {
                TenantIdType type = sql.parameters().get(i);
                type.bind(statement, i + 1, tenantIds.get(type));
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }
}
