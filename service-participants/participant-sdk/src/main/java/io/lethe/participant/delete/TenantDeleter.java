package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes one tenant's rows as planned, in one transaction: claim the job in the ledger, run the null-outs, delete
 * children before parents, verify that none of the tenant's rows remain, record the counts in the ledger, commit.
 *
 * <p>Never throws for database problems: every outcome is a {@link DeletionResult}. A {@link DeletionResult.Failed}
 * means nothing was deleted (the transaction was rolled back, or never started). A job found in the ledger is not run
 * again: its recorded result is returned with {@code replayed = true}. Thread-safe; one connection per call. Logs job
 * and tenant ids, tables and counts, never row contents.
 */
public final class TenantDeleter {

    private static final Logger log = LoggerFactory.getLogger(TenantDeleter.class);

    private final DataSource dataSource;
    private final DeletionPlan plan;
    private final Clock clock;
    private final TenantIds tenantIds;
    private final JdbcDeletionLedger ledger = new JdbcDeletionLedger();

    /**
     * @param dataSource the participant's own database
     * @param plan the plan, usually built once at start-up
     * @param clock the source of the ledger's and results' timestamps
     */
    public TenantDeleter(DataSource dataSource, DeletionPlan plan, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tenantIds = TenantIds.of(plan);
    }

    /**
     * Creates the ledger tables {@code lethe_deletion_ledger} and {@code lethe_deletion_ledger_table} if they do not
     * exist, in the connection's current schema. Idempotent; call it at start-up.
     *
     * @throws DeletionLedgerException if they cannot be created
     */
    public void createLedgerIfMissing() {
        try (Connection connection = dataSource.getConnection()) {
            ledger.createIfMissing(connection);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw new DeletionLedgerException(
                    "cannot create the deletion ledger (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /**
     * Deletes the task's tenant, or replays the recorded result if the job already completed.
     *
     * @param task the job and tenant
     * @return {@link DeletionResult.Completed} (committed, or replayed) or {@link DeletionResult.Failed} (nothing
     *     deleted)
     */
    public DeletionResult delete(DeletionTask task) {
        Instant startedAt = now();
        log.info(
                "Job {}: deleting tenant {} (attempt {}) from {} tables",
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                plan.tables().size());
        Optional<Map<TenantIdType, Object>> values = tenantIds.convert(task.tenantId());
        DeletionResult result = values.isPresent()
                ? deleteWithConnection(task, values.get(), startedAt)
                : tenantIds.invalid(task, startedAt);
        logOutcome(result);
        return result;
    }

    private DeletionResult deleteWithConnection(
            DeletionTask task, Map<TenantIdType, Object> values, Instant startedAt) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            return SqlFailures.failed(task, null, e, now());
        }
        try {
            return inTransaction(connection, task, values, startedAt);
        } finally {
            release(connection, task);
        }
    }

    private DeletionResult inTransaction(
            Connection connection, DeletionTask task, Map<TenantIdType, Object> values, Instant startedAt) {
        DeletionTransaction transaction = null;
        try {
            connection.setAutoCommit(false);
            if (!ledger.claim(connection, task, startedAt)) {
                DeletionResult.Completed replay = ledger.load(connection, task.jobId());
                connection.rollback();
                return replay.tenantId().equals(task.tenantId()) ? replay : tenantMismatch(task);
            }
            transaction = new DeletionTransaction(connection, plan, values);
            transaction.nullOut();
            List<TableResult> tables = transaction.delete();
            Optional<TableResult> left = transaction.firstTableWithRemainingRows(tables);
            if (left.isPresent()) {
                connection.rollback();
                return verificationFailed(task, left.get());
            }
            Instant finishedAt = now();
            ledger.complete(connection, task.jobId(), tables, finishedAt);
            connection.commit();
            return new DeletionResult.Completed(
                    task.jobId(), task.tenantId(), task.attempt(), tables, 0, startedAt, finishedAt, false);
        } catch (SQLException e) {
            rollback(connection, e);
            return SqlFailures.failed(task, transaction == null ? null : transaction.currentTable(), e, now());
        } catch (RuntimeException | Error e) {
            // Not a database answer (a bug, a proxy's exception, out of memory): undo everything, then let it travel.
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /**
     * The job id was already completed for another tenant: replaying that result would report this tenant deleted
     * while its rows remain. Permanent: the same request fails the same way.
     */
    private DeletionResult.Failed tenantMismatch(DeletionTask task) {
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.JOB_TENANT_MISMATCH,
                "job %s was already completed for another tenant; nothing deleted for tenant %s"
                        .formatted(task.jobId(), task.tenantId()),
                null,
                false,
                now());
    }

    /**
     * Retryable: rows left after this transaction's own delete were most likely inserted by the service and committed
     * in between; the next attempt deletes them too.
     */
    private DeletionResult.Failed verificationFailed(DeletionTask task, TableResult left) {
        String message = String.format(
                "job %s tenant %s: table %s still has %d rows",
                task.jobId(), task.tenantId(), left.table(), left.rowsRemaining());
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.VERIFICATION_FAILED,
                message,
                left.table(),
                true,
                now());
    }

    private static void rollback(Connection connection, SQLException cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Restores auto-commit and closes. A failure here comes after commit or rollback, so it cannot change the
     * outcome; if a commit's acknowledgement is lost instead, the retry finds the ledger entry and replays.
     */
    private static void release(Connection connection, DeletionTask task) {
        try (connection) {
            // Switching auto-commit on commits an open transaction: whatever was not committed on purpose is rolled
            // back first (after a commit this does nothing).
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.warn("Job {}: could not release the connection (SQLState {})", task.jobId(), e.getSQLState(), e);
        }
    }

    private static void logOutcome(DeletionResult result) {
        if (result instanceof DeletionResult.Completed completed) {
            String counts = completed.tables().stream()
                    .map(table -> table.table() + "=" + table.rowsDeleted())
                    .collect(Collectors.joining(", "));
            if (completed.replayed()) {
                log.info(
                        "Job {}: tenant {} was already deleted at {}; replayed the recorded result, deleted nothing"
                                + " now: {} rows ({})",
                        completed.jobId(),
                        completed.tenantId(),
                        completed.finishedAt(),
                        completed.rowsDeleted(),
                        counts);
            } else {
                log.info(
                        "Job {}: deleted tenant {}: {} rows ({})",
                        completed.jobId(),
                        completed.tenantId(),
                        completed.rowsDeleted(),
                        counts);
            }
        } else if (result instanceof DeletionResult.Failed failed) {
            log.warn(
                    "Job {}: deleting tenant {} failed, nothing deleted: {} (retryable: {}) {}",
                    failed.jobId(),
                    failed.tenantId(),
                    failed.errorCode(),
                    failed.retryable(),
                    failed.message());
        } else {
            throw new IllegalStateException("unknown deletion result " + result.getClass());
        }
    }

    private Instant now() {
        // The ledger stores microseconds; a replayed result must equal the original one.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
