package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The ledger of one job, on the connection of one delivery, and that connection's transaction boundaries ({@link
 * JobTransaction}: a pass's small chunk is held open with the job's row locked, see {@link #commitOrHold}). Every
 * transaction of the job that writes begins with {@link #claim} or {@link #lock}.
 */
final class JobLedger {

    private final Connection connection;
    private final DeletionTask task;
    private final JdbcDeletionLedger ledger;
    private final Clock clock;
    private final JobTransaction<JdbcDeletionLedger.Entry> transaction;

    JobLedger(Connection connection, DeletionTask task, JdbcDeletionLedger ledger, Clock clock) {
        this.connection = connection;
        this.task = task;
        this.ledger = ledger;
        this.clock = clock;
        this.transaction = new JobTransaction<>(connection, locking -> ledger.lock(locking, task.jobId()));
    }

    DeletionTask task() {
        return task;
    }

    Connection connection() {
        return connection;
    }

    JdbcDeletionLedger.Entry claim(Instant startedAt) throws SQLException {
        return transaction.locked(ledger.claim(connection, task, startedAt));
    }

    /** Locks the job's row, or returns it as locked already by the open transaction (no other can change it). */
    JdbcDeletionLedger.Entry lock() throws SQLException {
        return transaction.lock();
    }

    /** @param names the reported names of the steps and tables, in the order they run */
    void startProgress(List<String> names) throws SQLException {
        ledger.startProgress(connection, task.jobId(), names, now());
    }

    /** {@return the table's rows deleted by the job so far, {@code rows} included} */
    long addProgress(TableName table, long rows) throws SQLException {
        return addProgress(table.qualified(), rows);
    }

    /** {@return the {@link DeletionStatements#counted counter} of a change's rows in the table's progress row} */
    SqlFragment progressOf(TableName table) {
        return ledger.progressCounter(task.jobId(), table.qualified(), now());
    }

    /** {@return {@link #progressOf(TableName)} of the rows the statement names {@code changed}} */
    SqlFragment progressOf(TableName table, String changed) {
        return ledger.progressCounter(task.jobId(), table.qualified(), now(), changed);
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
        transaction.changed();
    }

    DeletionResult.Completed load() throws SQLException {
        return ledger.load(connection, task.jobId());
    }

    void commit() throws SQLException {
        transaction.commit();
    }

    /** See {@link JobTransaction#commitOrHold}. */
    void commitOrHold(long rows, long limit) throws SQLException {
        transaction.commitOrHold(rows, limit);
    }

    /** Rolls back the open transaction, the rows it held included. */
    void rollback() throws SQLException {
        transaction.rollback();
    }

    /** {@return the clock's time in microseconds, which the ledger stores: a replayed result equals the original} */
    Instant now() {
        return now(clock);
    }

    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
