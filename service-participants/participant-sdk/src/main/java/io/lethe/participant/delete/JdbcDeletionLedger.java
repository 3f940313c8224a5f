package io.lethe.participant.delete;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger of completed jobs, written in the deletion's own transaction: it exists if and only if the deletion
 * committed. Tables are unqualified, so they live in the connection's search path.
 *
 * <p>Concurrent duplicate deliveries: {@link #claim} inserts the job's row first with {@code ON CONFLICT DO
 * NOTHING}. If another transaction holds an uncommitted row for the same job, the insert waits for it; if that
 * transaction commits, the insert does nothing and the caller replays the committed result; if it rolls back, the
 * insert succeeds and the caller deletes. So at most one transaction per job ever deletes, without an advisory lock.
 */
final class JdbcDeletionLedger {

    static final String LEDGER = "lethe_deletion_ledger";
    static final String LEDGER_TABLE = "lethe_deletion_ledger_table";

    /**
     * The SDK's own tables. {@code JdbcSchemaReader} leaves out exactly these names (and Flyway's history), so a
     * renamed or added ledger table must be added there too; {@code TenantDeleterIT} checks that they agree.
     */
    static final List<String> TABLES = List.of(LEDGER, LEDGER_TABLE);

    private static final List<String> CREATE = List.of(
            "CREATE TABLE IF NOT EXISTS " + LEDGER + " (job_id text PRIMARY KEY, tenant_id text NOT NULL,"
                    + " attempt int NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL)",
            "CREATE TABLE IF NOT EXISTS " + LEDGER_TABLE + " (job_id text NOT NULL REFERENCES " + LEDGER
                    + " ON DELETE CASCADE, position int NOT NULL, table_name text NOT NULL,"
                    + " rows_deleted bigint NOT NULL, rows_remaining bigint NOT NULL, PRIMARY KEY (job_id, position))");

    void createIfMissing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : CREATE) {
                statement.execute(sql);
            }
        }
    }

    /**
     * @return {@code true} if this transaction now owns the job; {@code false} if the job is already completed
     */
    boolean claim(Connection connection, DeletionTask task, Instant startedAt) throws SQLException {
        String sql = "INSERT INTO " + LEDGER + " (job_id, tenant_id, attempt, started_at, finished_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, task.jobId());
            statement.setString(2, task.tenantId());
            statement.setInt(3, task.attempt());
            statement.setObject(4, timestamp(startedAt));
            statement.setObject(5, timestamp(startedAt));
            return statement.executeUpdate() == 1;
        }
    }

    void complete(Connection connection, String jobId, List<TableResult> tables, Instant finishedAt)
            throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE " + LEDGER + " SET finished_at = ? WHERE job_id = ?")) {
            statement.setObject(1, timestamp(finishedAt));
            statement.setString(2, jobId);
            statement.executeUpdate();
        }
        String sql = "INSERT INTO " + LEDGER_TABLE
                + " (job_id, position, table_name, rows_deleted, rows_remaining) VALUES (?, ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int position = 0; position < tables.size(); position++) {
                TableResult table = tables.get(position);
                statement.setString(1, jobId);
                statement.setInt(2, position);
                statement.setString(3, table.table());
                statement.setLong(4, table.rowsDeleted());
                statement.setLong(5, table.rowsRemaining());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Reads a completed job as a replayed result. */
    DeletionResult.Completed load(Connection connection, String jobId) throws SQLException {
        List<TableResult> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT table_name, rows_deleted,"
                + " rows_remaining FROM " + LEDGER_TABLE + " WHERE job_id = ? ORDER BY position")) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableResult(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT tenant_id, attempt, started_at, finished_at FROM " + LEDGER + " WHERE job_id = ?")) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("job " + jobId + ": ledger entry not found after a conflicting insert");
                }
                long remaining =
                        tables.stream().mapToLong(TableResult::rowsRemaining).sum();
                return new DeletionResult.Completed(
                        jobId,
                        rows.getString(1),
                        rows.getInt(2),
                        tables,
                        remaining,
                        rows.getObject(3, OffsetDateTime.class).toInstant(),
                        rows.getObject(4, OffsetDateTime.class).toInstant(),
                        true);
            }
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
