package io.lethe.participant.delete;

import io.lethe.participant.plan.LetheTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The ledger of jobs and their progress, in the participant's own database, written in the deletion's own
 * transactions. A job's row is {@code DELETING} from its first delivery's first transaction until the transaction that
 * verifies and completes it sets it {@code COMPLETED}; its progress rows count, per planned table, the rows deleted
 * so far, each chunk's count committed with the chunk itself. Tables are unqualified, so they live in the
 * connection's search path.
 *
 * <p>Concurrent deliveries of one job: {@link #claim} inserts the job's row with {@code ON CONFLICT DO NOTHING} (an
 * insert waits for another transaction's uncommitted row of the same job), then every transaction of the job begins
 * with {@link #lock}, {@code SELECT ... FOR UPDATE} on that row. So the job's transactions run one at a time, whichever
 * delivery runs them, and a delivery sees the other's committed chunks and state.
 */
final class JdbcDeletionLedger {

    static final String LEDGER = LetheTables.LEDGER;
    static final String LEDGER_TABLE = LetheTables.LEDGER_TABLE;
    static final String PROGRESS = LetheTables.PROGRESS;

    /** Locks the job's row; its one parameter is the job id. */
    private static final String LOCK =
            "SELECT tenant_id, state, started_at FROM " + LEDGER + " WHERE job_id = ? FOR UPDATE";

    /** Reads the job's scope check; its one parameter is the job id. */
    private static final String SCOPE_CHECK = "SELECT not_found, other_tenant FROM " + LEDGER + " WHERE job_id = ?";

    /**
     * The tables that Lethe owns in the participant's database, this ledger's and the starter's outbox. {@code
     * JdbcSchemaReader} leaves out exactly these names; {@code TenantDeleterIT} checks that they agree.
     */
    static final List<String> TABLES = LetheTables.all();

    /** A job's state in the ledger. */
    enum State {
        /** Claimed by a delivery; chunks may have been deleted. */
        DELETING,
        /** Verified, recorded and committed: later deliveries replay the recorded result. */
        COMPLETED
    }

    /**
     * The job's row.
     *
     * @param tenantId the tenant the job deletes
     * @param state its state
     * @param startedAt when its first delivery claimed it
     */
    record Entry(String tenantId, State state, Instant startedAt) {}

    /**
     * Idempotent. A ledger created before chunked deletion (no state, {@code finished_at NOT NULL}) is upgraded in
     * place: its rows are completed jobs, so the added state defaults to {@code COMPLETED} for them only.
     */
    private static final List<String> CREATE = List.of(
            "CREATE TABLE IF NOT EXISTS " + LEDGER + " (job_id text PRIMARY KEY, tenant_id text NOT NULL,"
                    + " attempt int NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz,"
                    + " state text NOT NULL CHECK (state IN ('DELETING', 'COMPLETED')))",
            "ALTER TABLE " + LEDGER + " ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'COMPLETED'"
                    + " CHECK (state IN ('DELETING', 'COMPLETED'))",
            "ALTER TABLE " + LEDGER + " ALTER COLUMN state DROP DEFAULT, ALTER COLUMN finished_at DROP NOT NULL",
            "CREATE TABLE IF NOT EXISTS " + LEDGER_TABLE + " (job_id text NOT NULL REFERENCES " + LEDGER
                    + " ON DELETE CASCADE, position int NOT NULL, table_name text NOT NULL,"
                    + " rows_deleted bigint NOT NULL, rows_remaining bigint NOT NULL, PRIMARY KEY (job_id, position))",
            "CREATE TABLE IF NOT EXISTS " + PROGRESS + " (job_id text NOT NULL REFERENCES " + LEDGER
                    + " ON DELETE CASCADE, table_name text NOT NULL, position int NOT NULL,"
                    + " rows_deleted bigint NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (job_id, table_name))",
            // A scoped job's ids that named no row, or another tenant's, found when it was first claimed.
            "ALTER TABLE " + LEDGER + " ADD COLUMN IF NOT EXISTS not_found text[],"
                    + " ADD COLUMN IF NOT EXISTS other_tenant text[]",
            // What each table's policy did: DELETE (rows_deleted), ANONYMIZE or RETAIN, with the reason.
            "ALTER TABLE " + LEDGER_TABLE + " ADD COLUMN IF NOT EXISTS policy text NOT NULL DEFAULT 'DELETE',"
                    + " ADD COLUMN IF NOT EXISTS rows_anonymized bigint NOT NULL DEFAULT 0,"
                    + " ADD COLUMN IF NOT EXISTS rows_retained bigint NOT NULL DEFAULT 0,"
                    + " ADD COLUMN IF NOT EXISTS reason text");

    void createIfMissing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : CREATE) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Inserts the job as {@code DELETING} unless it is in the ledger already, then {@linkplain #lock locks} it.
     *
     * @return the job's row: this task's, or the one of an earlier (or concurrent, committed) delivery
     */
    Entry claim(Connection connection, DeletionTask task, Instant startedAt) throws SQLException {
        // The insert and the lock in one round trip: PgJDBC sends the statements of one prepared statement together.
        String sql = "INSERT INTO " + LEDGER + " (job_id, tenant_id, attempt, started_at, state)"
                + " VALUES (?, ?, ?, ?, 'DELETING') ON CONFLICT (job_id) DO NOTHING; " + LOCK;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, task.jobId());
            statement.setString(2, task.tenantId());
            statement.setInt(3, task.attempt());
            statement.setObject(4, timestamp(startedAt));
            statement.setString(5, task.jobId());
            statement.execute();
            if (!statement.getMoreResults()) {
                throw new SQLException("job " + task.jobId() + ": the claim returned no row of " + LEDGER);
            }
            try (ResultSet rows = statement.getResultSet()) {
                return entry(rows, task.jobId());
            }
        }
    }

    /** Locks the job's row until the transaction ends; the first statement of each of the job's transactions. */
    Entry lock(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                return entry(rows, jobId);
            }
        }
    }

    private static Entry entry(ResultSet rows, String jobId) throws SQLException {
        if (!rows.next()) {
            throw new SQLException("job " + jobId + ": no row in " + LEDGER + " after it was claimed");
        }
        return new Entry(
                rows.getString(1),
                State.valueOf(rows.getString(2)),
                rows.getObject(3, OffsetDateTime.class).toInstant());
    }

    /**
     * Adds a progress row with 0 rows for each table (or step) that has none yet: a resumed job keeps its counts, and
     * a table that a changed plan added gets one.
     *
     * @param names the reported names of the steps and tables, in the order they run
     */
    void startProgress(Connection connection, String jobId, List<String> names, Instant at) throws SQLException {
        // One statement for all names: a row each, positioned by their order.
        String sql = "INSERT INTO " + PROGRESS + " (job_id, table_name, position, rows_deleted, updated_at)"
                + " SELECT ?, name, CAST(position AS integer) - 1, 0, ?"
                + " FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS names (name, position)"
                + " ON CONFLICT (job_id, table_name) DO NOTHING";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, jobId);
            statement.setObject(2, timestamp(at));
            statement.setArray(3, connection.createArrayOf("text", names.toArray()));
            statement.executeUpdate();
        }
    }

    /**
     * Adds a chunk's deleted rows to the table's progress, in the chunk's transaction. {@code rows} is the update
     * count of the chunk's {@code DELETE}, which counts only rows this transaction deleted: a row that another
     * delivery deleted first is not counted again.
     *
     * @return the table's rows deleted by the job so far
     */
    long addProgress(Connection connection, String jobId, String table, long rows, Instant at) throws SQLException {
        String sql = "UPDATE " + PROGRESS + " SET rows_deleted = rows_deleted + ?, updated_at = ?"
                + " WHERE job_id = ? AND table_name = ? RETURNING rows_deleted";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, rows);
            statement.setObject(2, timestamp(at));
            statement.setString(3, jobId);
            statement.setString(4, table);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    throw new SQLException("job " + jobId + ": no progress row for " + table);
                }
                return result.getLong(1);
            }
        }
    }

    /**
     * The {@link DeletionStatements#counted counter} of a change's rows in the job's progress row of the table (or
     * step): adds them, and returns the table's rows deleted by the job so far.
     */
    SqlFragment progressCounter(String jobId, String table, Instant at) {
        return progressCounter(jobId, table, at, DeletionStatements.CHANGED);
    }

    /** {@link #progressCounter(String, String, Instant)} of the rows the statement names {@code changed}. */
    SqlFragment progressCounter(String jobId, String table, Instant at, String changed) {
        return new SqlFragment(
                "UPDATE " + PROGRESS + " SET rows_deleted = rows_deleted + (SELECT count(*) FROM "
                        + changed + "), updated_at = ? WHERE job_id = ? AND table_name = ?"
                        + " RETURNING rows_deleted",
                List.of(
                        new SqlParameter.Literal(timestamp(at)),
                        new SqlParameter.Literal(jobId),
                        new SqlParameter.Literal(table)));
    }

    /** {@return the job's progress, one result per table in the order the plan had when the row was added} */
    List<TableResult> progress(Connection connection, String jobId) throws SQLException {
        String sql = "SELECT table_name, rows_deleted FROM " + PROGRESS + " WHERE job_id = ? ORDER BY position,"
                + " table_name";
        List<TableResult> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableResult(rows.getString(1), rows.getLong(2), 0));
                }
            }
        }
        return tables;
    }

    /**
     * Records what a scoped job's check found, unless an earlier delivery did: the check runs before anything is
     * deleted, and a resumed job would find its deleted rows missing.
     *
     * @return the check recorded for the job: the given one, or the earlier delivery's
     */
    ScopeCheck recordScopeCheck(Connection connection, String jobId, ScopeCheck check) throws SQLException {
        // The update and the read in one round trip: PgJDBC sends the statements of one prepared statement together.
        try (PreparedStatement statement = connection.prepareStatement("UPDATE " + LEDGER
                + " SET not_found = ?, other_tenant = ? WHERE job_id = ? AND not_found IS NULL; " + SCOPE_CHECK)) {
            statement.setArray(
                    1, connection.createArrayOf("text", check.notFound().toArray()));
            statement.setArray(
                    2, connection.createArrayOf("text", check.otherTenant().toArray()));
            statement.setString(3, jobId);
            statement.setString(4, jobId);
            statement.execute();
            if (!statement.getMoreResults()) {
                throw new SQLException("job " + jobId + ": recording the scope check returned no row of " + LEDGER);
            }
            try (ResultSet rows = statement.getResultSet()) {
                return scopeCheck(rows);
            }
        }
    }

    /** {@return the scope check recorded for the job; {@link ScopeCheck#NONE} if none was} */
    ScopeCheck scopeCheck(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SCOPE_CHECK)) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                return scopeCheck(rows);
            }
        }
    }

    private static ScopeCheck scopeCheck(ResultSet rows) throws SQLException {
        if (!rows.next() || rows.getArray(1) == null) {
            return ScopeCheck.NONE;
        }
        return new ScopeCheck(Arrays.asList((String[]) rows.getArray(1).getArray()), Arrays.asList((String[])
                rows.getArray(2).getArray()));
    }

    /** Marks the job completed by this task and records its result for replays, in the job's final transaction. */
    void complete(Connection connection, DeletionTask task, List<TableResult> tables, Instant finishedAt)
            throws SQLException {
        // The job's row and its tables' results in one round trip (the statements of one prepared statement), the
        // results in one statement for all tables: a row each, positioned by their order, from one array a column.
        String sql = "UPDATE " + LEDGER + " SET state = 'COMPLETED', attempt = ?, finished_at = ? WHERE job_id = ?; "
                + "INSERT INTO " + LEDGER_TABLE + " (job_id, position, table_name, rows_deleted, rows_remaining,"
                + " policy, rows_anonymized, rows_retained, reason)"
                + " SELECT ?, CAST(position AS integer) - 1, name, deleted, remaining, policy, anonymized, retained,"
                + " reason FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]),"
                + " CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[])) WITH ORDINALITY"
                + " AS results (name, deleted, remaining, policy, anonymized, retained, reason, position)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, task.attempt());
            statement.setObject(2, timestamp(finishedAt));
            statement.setString(3, task.jobId());
            statement.setString(4, task.jobId());
            statement.setArray(5, connection.createArrayOf("text", column(tables, TableResult::table)));
            statement.setArray(6, connection.createArrayOf("bigint", column(tables, TableResult::rowsDeleted)));
            statement.setArray(7, connection.createArrayOf("bigint", column(tables, TableResult::rowsRemaining)));
            statement.setArray(8, connection.createArrayOf("text", column(tables, table -> table.policy()
                    .name())));
            statement.setArray(9, connection.createArrayOf("bigint", column(tables, TableResult::rowsAnonymized)));
            statement.setArray(10, connection.createArrayOf("bigint", column(tables, TableResult::rowsRetained)));
            statement.setArray(11, connection.createArrayOf("text", column(tables, TableResult::reason)));
            statement.execute();
        }
    }

    /** {@return one value of each table's result, in order}, for an array parameter */
    private static Object[] column(List<TableResult> tables, Function<TableResult, Object> value) {
        return tables.stream().map(value).toArray();
    }

    /** Reads a completed job as a replayed result. */
    DeletionResult.Completed load(Connection connection, String jobId) throws SQLException {
        List<TableResult> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT table_name, rows_deleted,"
                + " rows_remaining, policy, rows_anonymized, rows_retained, reason FROM " + LEDGER_TABLE
                + " WHERE job_id = ? ORDER BY position")) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableResult(
                            rows.getString(1),
                            rows.getLong(2),
                            rows.getLong(3),
                            TablePolicy.Kind.valueOf(rows.getString(4)),
                            rows.getLong(5),
                            rows.getLong(6),
                            rows.getString(7)));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT tenant_id, attempt, started_at,"
                + " finished_at FROM " + LEDGER + " WHERE job_id = ? AND state = 'COMPLETED'")) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("job " + jobId + ": no completed row in " + LEDGER + " to replay");
                }
                long remaining =
                        tables.stream().mapToLong(TableResult::rowsRemaining).sum();
                DeletionResult.Completed replayed = new DeletionResult.Completed(
                        jobId,
                        rows.getString(1),
                        rows.getInt(2),
                        tables,
                        remaining,
                        rows.getObject(3, OffsetDateTime.class).toInstant(),
                        rows.getObject(4, OffsetDateTime.class).toInstant(),
                        true);
                return replayed.with(scopeCheck(connection, jobId));
            }
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
