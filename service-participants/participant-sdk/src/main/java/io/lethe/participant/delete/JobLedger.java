package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The ledger of one job, on the connection of one delivery, and that connection's transaction boundaries. Every
 * transaction of the job that writes begins with {@link #claim} or {@link #lock}.
 *
 * <p>A chunk whose rows are fewer than a chunk's worth need not commit alone: {@link #commitOrHold} keeps its
 * transaction open, the job's row still locked, until the rows written in it reach the chunk size or another
 * transaction boundary comes (a commit, a rollback), so that a small tenant's tables are deleted in one transaction
 * with the job's completion rather than in one each. What was written commits or rolls back together, progress rows
 * with their deletes; a failure rolls back at most about a chunk's worth of rows, which the next delivery deletes
 * again.
 */
final class JobLedger {

    private final Connection connection;
    private final DeletionTask task;
    private final JdbcDeletionLedger ledger;
    private final Clock clock;
    /** The job's row as locked by the open transaction, or {@code null} if it holds no lock. */
    private JdbcDeletionLedger.Entry locked;
    /** The rows written by the open transaction and not committed yet. */
    private long held;

    JobLedger(Connection connection, DeletionTask task, JdbcDeletionLedger ledger, Clock clock) {
        this.connection = connection;
        this.task = task;
        this.ledger = ledger;
        this.clock = clock;
    }

    DeletionTask task() {
        return task;
    }

    Connection connection() {
        return connection;
    }

    JdbcDeletionLedger.Entry claim(Instant startedAt) throws SQLException {
        locked = ledger.claim(connection, task, startedAt);
        return locked;
    }

    /** Locks the job's row, or returns it as locked already by the open transaction (no other can change it). */
    JdbcDeletionLedger.Entry lock() throws SQLException {
        if (locked == null) {
            locked = ledger.lock(connection, task.jobId());
        }
        return locked;
    }

    /** @param names the reported names of the steps and tables, in the order they run */
    void startProgress(List<String> names) throws SQLException {
        ledger.startProgress(connection, task.jobId(), names, now());
    }

    /** {@return the table's rows deleted by the job so far, {@code rows} included} */
    long addProgress(TableName table, long rows) throws SQLException {
        return addProgress(table.qualified(), rows);
    }

    /** {@return the table's (or step's) items deleted by the job so far, {@code items} included} */
    long addProgress(String reportedName, long items) throws SQLException {
        return ledger.addProgress(connection, task.jobId(), reportedName, items, now());
    }

    /** {@return the scope check recorded for the job: this one, unless an earlier delivery recorded its own} */
    ScopeCheck recordScopeCheck(ScopeCheck check) throws SQLException {
        return ledger.recordScopeCheck(connection, task.jobId(), check);
    }

    List<TableResult> progress() throws SQLException {
        return ledger.progress(connection, task.jobId());
    }

    void complete(List<TableResult> tables, Instant finishedAt) throws SQLException {
        ledger.complete(connection, task, tables, finishedAt);
    }

    DeletionResult.Completed load() throws SQLException {
        return ledger.load(connection, task.jobId());
    }

    void commit() throws SQLException {
        locked = null;
        held = 0;
        connection.commit();
    }

    /**
     * Ends a chunk that wrote {@code rows}: commits once the open transaction's rows reach {@code limit}, else holds
     * the transaction open for the next chunk (of this table or the next) and the completion.
     */
    void commitOrHold(long rows, long limit) throws SQLException {
        held += rows;
        if (held >= limit) {
            commit();
        }
    }

    /** Rolls back the open transaction, the rows it held included. */
    void rollback() throws SQLException {
        locked = null;
        held = 0;
        connection.rollback();
    }

    /** {@return the clock's time in microseconds, which the ledger stores: a replayed result equals the original} */
    Instant now() {
        return now(clock);
    }

    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
