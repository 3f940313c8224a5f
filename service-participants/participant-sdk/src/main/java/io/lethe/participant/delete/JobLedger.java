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
 */
final class JobLedger {

    private final Connection connection;
    private final DeletionTask task;
    private final JdbcDeletionLedger ledger;
    private final Clock clock;

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
        return ledger.claim(connection, task, startedAt);
    }

    JdbcDeletionLedger.Entry lock() throws SQLException {
        return ledger.lock(connection, task.jobId());
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
        connection.commit();
    }

    void rollback() throws SQLException {
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
