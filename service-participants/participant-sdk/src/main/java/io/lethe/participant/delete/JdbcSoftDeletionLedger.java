package io.lethe.participant.delete;

import io.lethe.participant.plan.LetheTables;
import java.sql.Array;
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
 * The soft-deletion ledger in the participant's database: per job its state and the timestamp it wrote into the
 * soft-delete columns, per job, phase and table the rows hidden or restored so far (each chunk's count committed with
 * the chunk), the keys of the rows it hid, and the tenant fence. Every transaction of a job begins by locking the
 * job's row, so two deliveries of one job run their transactions one at a time.
 */
final class JdbcSoftDeletionLedger {

    static final String SOFT_DELETION = LetheTables.SOFT_DELETION;
    static final String SOFT_DELETION_TABLE = LetheTables.SOFT_DELETION_TABLE;
    static final String SOFT_DELETED_ROW = LetheTables.SOFT_DELETED_ROW;
    static final String TENANT_FENCE = LetheTables.TENANT_FENCE;

    /** Fences a tenant for a job; its parameters are the tenant id, the job id and the time. */
    private static final String FENCE = "INSERT INTO " + TENANT_FENCE
            + " (tenant_id, job_id, fenced_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id, job_id) DO NOTHING";

    /** Locks the job's row; its one parameter is the job id. */
    private static final String LOCK =
            "SELECT tenant_id, state, hidden_at, started_at FROM " + SOFT_DELETION + " WHERE job_id = ? FOR UPDATE";

    private static final String HARD_DELETE_STARTED = "SELECT 1 FROM " + LetheTables.LEDGER + " WHERE job_id = ?";

    private static final String SET_STATE =
            "UPDATE " + SOFT_DELETION + " SET state = ?, finished_at = ? WHERE job_id = ?";

    private static final String COUNTS = "SELECT table_name, row_count, rows_left FROM " + SOFT_DELETION_TABLE
            + " WHERE job_id = ? AND phase = ? ORDER BY position, table_name";

    /** A job's soft-deletion state. */
    enum State {
        /** Hiding the tenant's rows; some may be hidden. */
        HIDING,
        /** Every row of the tenant with a soft-delete column was hidden and verified. */
        HIDDEN,
        /** Showing the hidden rows again; some may be shown. */
        RESTORING,
        /** Every row the job hid and nobody changed since is shown again; the fence is lifted. */
        RESTORED
    }

    /** What a phase counts per table. */
    enum Phase {
        SOFT,
        RESTORE
    }

    /**
     * The job's row.
     *
     * @param tenantId the job's tenant
     * @param state where it stands
     * @param hiddenAt the value the job writes into soft-delete columns, and what a restore looks for
     * @param startedAt when its first delivery claimed it
     */
    record Entry(String tenantId, State state, Instant hiddenAt, Instant startedAt) {}

    private static final List<String> CREATE = List.of(
            "CREATE TABLE IF NOT EXISTS " + SOFT_DELETION + " (job_id text PRIMARY KEY, tenant_id text NOT NULL,"
                    + " state text NOT NULL CHECK (state IN ('HIDING', 'HIDDEN', 'RESTORING', 'RESTORED')),"
                    + " hidden_at timestamptz NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz)",
            "CREATE TABLE IF NOT EXISTS " + SOFT_DELETION_TABLE + " (job_id text NOT NULL REFERENCES " + SOFT_DELETION
                    + " ON DELETE CASCADE, phase text NOT NULL CHECK (phase IN ('SOFT', 'RESTORE')),"
                    + " table_name text NOT NULL, position int NOT NULL, row_count bigint NOT NULL,"
                    + " rows_left bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL,"
                    + " PRIMARY KEY (job_id, phase, table_name))",
            "CREATE TABLE IF NOT EXISTS " + SOFT_DELETED_ROW + " (id bigserial PRIMARY KEY, job_id text NOT NULL,"
                    + " table_name text NOT NULL, row_key text NOT NULL, hidden_value text NOT NULL)",
            "CREATE INDEX IF NOT EXISTS " + SOFT_DELETED_ROW + "_by_job ON " + SOFT_DELETED_ROW
                    + " (job_id, table_name, id)",
            "CREATE TABLE IF NOT EXISTS " + TENANT_FENCE + " (tenant_id text NOT NULL, job_id text NOT NULL,"
                    + " fenced_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, job_id))");

    void createIfMissing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : CREATE) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Inserts the job as {@code HIDING} with {@code hiddenAt} unless it is there, then locks it, and looks whether its
     * hard delete has started here.
     */
    Claim claim(Connection connection, DeletionTask task, Instant hiddenAt) throws SQLException {
        // The insert, the lock and the hard delete's row in one round trip: PgJDBC sends the statements of one prepared
        // statement together. Each reads with a snapshot of its own, so the last one sees a hard delete's claim that
        // committed while the lock waited.
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + SOFT_DELETION
                + " (job_id, tenant_id, state, hidden_at, started_at) VALUES (?, ?, 'HIDING', ?, ?)"
                + " ON CONFLICT (job_id) DO NOTHING; " + LOCK + "; " + HARD_DELETE_STARTED)) {
            statement.setString(1, task.jobId());
            statement.setString(2, task.tenantId());
            statement.setObject(3, timestamp(hiddenAt));
            statement.setObject(4, timestamp(hiddenAt));
            statement.setString(5, task.jobId());
            statement.setString(6, task.jobId());
            statement.execute();
            Entry entry = null;
            if (statement.getMoreResults()) {
                try (ResultSet rows = statement.getResultSet()) {
                    entry = entry(rows);
                }
            }
            if (entry == null) {
                throw new SQLException(
                        "job " + task.jobId() + ": no row in " + SOFT_DELETION + " after it was claimed");
            }
            if (!statement.getMoreResults()) {
                throw new SQLException("job " + task.jobId() + ": no answer whether its hard delete started");
            }
            try (ResultSet rows = statement.getResultSet()) {
                return new Claim(entry, rows.next());
            }
        }
    }

    /**
     * The job's row as a claim locked it, and whether the job's hard delete had started here when it did.
     *
     * @param entry the job's row, locked until the transaction ends
     * @param hardDeleteStarted whether the hard delete of the job has started here: then there is nothing to hide
     */
    record Claim(Entry entry, boolean hardDeleteStarted) {}

    /** {@return the job's row, locked until the transaction ends; {@code null} if the job hid nothing here} */
    Entry lock(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                return entry(rows);
            }
        }
    }

    private static Entry entry(ResultSet rows) throws SQLException {
        if (!rows.next()) {
            return null;
        }
        return new Entry(
                rows.getString(1),
                State.valueOf(rows.getString(2)),
                rows.getObject(3, OffsetDateTime.class).toInstant(),
                rows.getObject(4, OffsetDateTime.class).toInstant());
    }

    /**
     * Sets the job's state, as {@link #setState}, and reads the phase's counts, as {@link #counts}, in one round trip
     * (the statements of one prepared statement).
     */
    List<TableResult> setStateAndCounts(
            Connection connection, String jobId, State state, Instant finishedAt, Phase phase) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SET_STATE + "; " + COUNTS)) {
            statement.setString(1, state.name());
            statement.setObject(2, finishedAt == null ? null : timestamp(finishedAt));
            statement.setString(3, jobId);
            statement.setString(4, jobId);
            statement.setString(5, phase.name());
            statement.execute();
            if (statement.getUpdateCount() != 1) {
                throw new SQLException("job " + jobId + ": no row in " + SOFT_DELETION + " to set " + state + " on");
            }
            if (!statement.getMoreResults()) {
                throw new SQLException("job " + jobId + ": no counts read after its state was set");
            }
            try (ResultSet rows = statement.getResultSet()) {
                return tableResults(rows);
            }
        }
    }

    void setState(Connection connection, String jobId, State state, Instant finishedAt) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SET_STATE)) {
            statement.setString(1, state.name());
            statement.setObject(2, finishedAt == null ? null : timestamp(finishedAt));
            statement.setString(3, jobId);
            statement.executeUpdate();
        }
    }

    /** Adds a count row with 0 for each table of the phase that has none yet (a resumed phase keeps its counts). */
    void startCounts(Connection connection, String jobId, Phase phase, List<String> names, Instant at)
            throws SQLException {
        startCounts(connection, jobId, phase, names, at, null);
    }

    /**
     * Adds a count row with 0 for each table of the phase that has none yet, and if {@code fencedTenant} is not {@code
     * null}, fences that tenant for the job (it stays fenced while any of its jobs holds a fence), in one round trip
     * (the statements of one prepared statement).
     */
    void startCounts(
            Connection connection, String jobId, Phase phase, List<String> names, Instant at, String fencedTenant)
            throws SQLException {
        // One statement for all tables: a row each, positioned by the order of the names.
        String counts = "INSERT INTO " + SOFT_DELETION_TABLE + " (job_id, phase, table_name, position, row_count,"
                + " updated_at) SELECT ?, ?, name, CAST(position AS integer) - 1, 0, ?"
                + " FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS names (name, position)"
                + " ON CONFLICT (job_id, phase, table_name) DO NOTHING";
        try (PreparedStatement statement =
                connection.prepareStatement(fencedTenant == null ? counts : counts + "; " + FENCE)) {
            statement.setString(1, jobId);
            statement.setString(2, phase.name());
            statement.setObject(3, timestamp(at));
            statement.setArray(4, connection.createArrayOf("text", names.toArray()));
            if (fencedTenant != null) {
                statement.setString(5, fencedTenant);
                statement.setString(6, jobId);
                statement.setObject(7, timestamp(at));
            }
            statement.execute();
        }
    }

    /**
     * The {@link DeletionStatements#counted counter} of a chunk's rows in the table's count of the phase: adds them,
     * and returns the table's count so far.
     */
    SqlFragment counter(String jobId, Phase phase, String table, Instant at) {
        return new SqlFragment(
                "UPDATE " + SOFT_DELETION_TABLE + " SET row_count = row_count + (SELECT count(*) FROM "
                        + DeletionStatements.CHANGED
                        + "), updated_at = ? WHERE job_id = ? AND phase = ? AND table_name = ? RETURNING row_count",
                List.of(
                        new SqlParameter.Literal(timestamp(at)),
                        new SqlParameter.Literal(jobId),
                        new SqlParameter.Literal(phase.name()),
                        new SqlParameter.Literal(table)));
    }

    /**
     * Adds a chunk's rows to the table's count of the phase, in the chunk's transaction.
     *
     * @param left rows the chunk found but left alone: a restore's hidden rows that the service changed since
     */
    void addCount(Connection connection, String jobId, Phase phase, String table, long rows, long left, Instant at)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE " + SOFT_DELETION_TABLE
                + " SET row_count = row_count + ?, rows_left = rows_left + ?, updated_at = ? WHERE job_id = ?"
                + " AND phase = ? AND table_name = ?")) {
            statement.setLong(1, rows);
            statement.setLong(2, left);
            statement.setObject(3, timestamp(at));
            statement.setString(4, jobId);
            statement.setString(5, phase.name());
            statement.setString(6, table);
            if (statement.executeUpdate() != 1) {
                throw new SQLException("job " + jobId + ": no " + phase + " count row for table " + table);
            }
        }
    }

    /** {@return the phase's counts, one per table in plan order} */
    List<TableResult> counts(Connection connection, String jobId, Phase phase) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(COUNTS)) {
            statement.setString(1, jobId);
            statement.setString(2, phase.name());
            try (ResultSet rows = statement.executeQuery()) {
                return tableResults(rows);
            }
        }
    }

    private static List<TableResult> tableResults(ResultSet rows) throws SQLException {
        List<TableResult> tables = new ArrayList<>();
        while (rows.next()) {
            tables.add(new TableResult(rows.getString(1), rows.getLong(2), rows.getLong(3)));
        }
        return tables;
    }

    /** {@return up to {@code limit} ids of the job's listed rows of the table, lowest first; empty when none is left} */
    List<Long> listedRows(Connection connection, String jobId, String table, int limit) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (OnListing listing = OnListing.prepare(
                connection,
                "SELECT id FROM " + SOFT_DELETED_ROW + " WHERE job_id = ? AND table_name = ? ORDER BY id LIMIT ?")) {
            listing.prepared().setString(1, jobId);
            listing.prepared().setString(2, table);
            listing.prepared().setInt(3, limit);
            try (ResultSet rows = listing.query()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Drops the listed keys of one chunk of a restore, by their ids; the job's id, then the ids. */
    void unlist(Connection connection, String jobId, Array ids) throws SQLException {
        try (OnListing listing = OnListing.prepare(
                connection, "DELETE FROM " + SOFT_DELETED_ROW + " WHERE job_id = ? AND id = ANY(?)")) {
            listing.prepared().setString(1, jobId);
            listing.prepared().setArray(2, ids);
            listing.update();
        }
    }

    /**
     * A statement on the listing, sent after {@link PlanCacheMode#CUSTOM} in its round trip where the server has it
     * (PostgreSQL 12 on): planned for the listing as it is when the statement runs, not as it was when the
     * connection's cached plan was made. The listing fills and empties as jobs hide rows and hard deletes forget them.
     * A generic plan cached while it held a few pages (a sequential scan, the cheapest then) went on scanning it as it
     * grew: under a burst of 3,000 jobs, forgetting a job's 52 keys read every listed row twice, 6.2 ms of the orders
     * service's PostgreSQL time a job against 0.1 (see {@code benchmarks.md}, the fourteenth round). Planning the
     * statement each time costs about a tenth of a millisecond. The setting is {@code LOCAL}: it ends with the
     * transaction, and the few statements that follow in it are planned likewise.
     *
     * @param prepared the prepared statement, to bind
     * @param planned whether the setting precedes it
     */
    private record OnListing(PreparedStatement prepared, boolean planned) implements AutoCloseable {

        static OnListing prepare(Connection connection, String sql) throws SQLException {
            boolean planned = PlanCacheMode.available(connection);
            return new OnListing(
                    connection.prepareStatement(planned ? PlanCacheMode.CUSTOM + "; " + sql : sql), planned);
        }

        /** Runs it and moves past the setting's result to the statement's own. */
        private void run() throws SQLException {
            prepared.execute();
            if (planned) {
                prepared.getMoreResults();
            }
        }

        /** {@return the statement's update count} */
        int update() throws SQLException {
            run();
            return prepared.getUpdateCount();
        }

        /** {@return the statement's rows} */
        ResultSet query() throws SQLException {
            run();
            ResultSet rows = prepared.getResultSet();
            if (rows == null) {
                throw new SQLException("the statement on the listing returned no rows to read");
            }
            return rows;
        }

        @Override
        public void close() throws SQLException {
            prepared.close();
        }
    }

    /**
     * Drops at most a chunk of a job's listing: the job's id twice, then the chunk's size. The ids are selected once, in
     * the listing index's order, and deleted by the primary key. As {@code id IN (SELECT ... LIMIT ?)}, a generic plan
     * scanned every job's listed rows, twice, where the statistics had seen one job's listing (as after one large soft
     * delete), and could run the selection once per listed row of another job; without the {@code ORDER BY} that the
     * index serves, such statistics chose a sequential scan for the selection itself (see {@code SoftDeletionIT}). The
     * delete names the job too: where the statistics saw an empty listing (analyzed after every job's keys were
     * forgotten), every plan seemed free, and one deleted the ids through the listing index, whose first column the ids
     * are not, reading all of it. It is planned when it runs ({@link OnListing}).
     */
    static final String UNLIST_SOME = "DELETE FROM " + SOFT_DELETED_ROW + " WHERE job_id = ? AND id = ANY(ARRAY(SELECT"
            + " id FROM " + SOFT_DELETED_ROW + " WHERE job_id = ? ORDER BY table_name, id LIMIT ?))";

    /**
     * Drops at most {@code limit} keys of the job's listing, in the caller's transaction.
     *
     * @return how many it dropped: fewer than {@code limit} means none is left
     */
    int unlistSome(Connection connection, String jobId, int limit) throws SQLException {
        try (OnListing listing = OnListing.prepare(connection, UNLIST_SOME)) {
            listing.prepared().setString(1, jobId);
            listing.prepared().setString(2, jobId);
            listing.prepared().setInt(3, limit);
            return listing.update();
        }
    }

    /** Drops the job's key listing: after a hard delete the rows are gone, so their keys mean nothing any more. */
    void unlistAll(Connection connection, String jobId) throws SQLException {
        try (OnListing listing =
                OnListing.prepare(connection, "DELETE FROM " + SOFT_DELETED_ROW + " WHERE job_id = ?")) {
            listing.prepared().setString(1, jobId);
            listing.update();
        }
    }

    /** Lifts this job's fence of the tenant; another job's fence of the tenant stays. */
    void unfence(Connection connection, String tenantId, String jobId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("DELETE FROM " + TENANT_FENCE + " WHERE tenant_id = ? AND job_id = ?")) {
            statement.setString(1, tenantId);
            statement.setString(2, jobId);
            statement.executeUpdate();
        }
    }

    /** {@return whether the hard delete of the job has started here: then there is nothing left to restore} */
    boolean hardDeleteStarted(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(HARD_DELETE_STARTED)) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
