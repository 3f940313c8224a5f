package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reversible steps of a tenant's deletion: the soft delete that hides the tenant's rows and fences the tenant,
 * and the restore that undoes exactly what a soft delete did. The hard delete ({@link TenantDeleter#delete}) is
 * refused for a job whose soft delete did not complete here ({@link #refuseHardDelete}).
 *
 * <ul>
 *   <li><b>Soft delete</b>: if the approved preview is exceeded, stop with {@code PREVIEW_DRIFT} and change nothing.
 *       Otherwise claim the job in {@code lethe_soft_deletion} with the timestamp it writes and fence the tenant (one
 *       transaction, before any row is hidden); then, for each {@linkplain SoftDeletableTables soft-deletable table},
 *       in chunks of primary keys from a cursor over the rows not hidden yet, set the soft-delete column and list the
 *       hidden rows' keys, each chunk with its count in one transaction (a table whose rows fit in one chunk is
 *       hidden without a cursor, and while the rows so hidden are fewer than a chunk their transaction stays open for
 *       the next tables, {@link JobTransaction#commitOrHold}); then verify that no row of the tenant is visible in
 *       those tables, mark the job {@code HIDDEN} and record the outcome, in one commit. A row already
 *       soft-deleted is neither changed nor listed. Running it again hides rows inserted since and counts them too.
 *   <li><b>Restore</b>: in chunks of the listed keys, clear the soft-delete column of the rows that still carry the
 *       job's timestamp and strike them from the list, each chunk with its count in one transaction; then mark the job
 *       {@code RESTORED}, lift the fence and record the outcome, in one commit. Refused once the hard delete started.
 * </ul>
 *
 * <p>Like {@link TenantDeleter}: never throws for database problems, resumes after a crash with exact counts, shares
 * the work of concurrent deliveries through the job's row lock, logs ids, tables and counts only.
 */
public final class TenantSoftDeleter {

    private static final Logger log = LoggerFactory.getLogger(TenantSoftDeleter.class);

    private final DataSource dataSource;
    private final DeletionPlan plan;
    private final Clock clock;
    private final DeletionSettings settings;
    private final SoftDeleteSettings softDelete;
    private final OutcomeRecorder softRecorder;
    private final OutcomeRecorder restoreRecorder;
    private final TenantIds tenantIds;
    private final DeletionSteps steps;
    private final TablePolicies policies;
    private final JdbcSoftDeletionLedger ledger = new JdbcSoftDeletionLedger();
    /** The key columns' types, read from the catalog once per table (the plan is fixed at start-up). */
    private final CatalogCache catalog = CatalogCache.create();

    private volatile List<PlannedTable> softDeletable;

    /**
     * @param dataSource the participant's own database
     * @param plan the deletion plan
     * @param clock the source of timestamps
     * @param settings the chunk size and passes
     * @param softDelete the soft-delete column
     * @param softRecorder writes a completed soft delete's outcome in the transaction that completes it
     * @param restoreRecorder writes a completed restore's outcome in the transaction that completes it
     */
    public TenantSoftDeleter(
            DataSource dataSource,
            DeletionPlan plan,
            Clock clock,
            DeletionSettings settings,
            SoftDeleteSettings softDelete,
            OutcomeRecorder softRecorder,
            OutcomeRecorder restoreRecorder) {
        this(
                dataSource,
                plan,
                clock,
                settings,
                softDelete,
                softRecorder,
                restoreRecorder,
                List.of(),
                TablePolicies.none());
    }

    /**
     * @param dataSource the participant's own database
     * @param plan the deletion plan
     * @param clock the source of timestamps
     * @param settings the chunk size and passes
     * @param softDelete the soft-delete column
     * @param softRecorder writes a completed soft delete's outcome in the transaction that completes it
     * @param restoreRecorder writes a completed restore's outcome in the transaction that completes it
     * @param steps the deletion steps outside the database: a soft delete {@linkplain DeletionStep#hide hides} their
     *     items and a restore {@linkplain DeletionStep#restore shows} them again, before or after the tables
     * @param policies which tables keep their rows: a soft delete hides rows of deleted tables only, a kept table
     *     stays visible
     */
    public TenantSoftDeleter(
            DataSource dataSource,
            DeletionPlan plan,
            Clock clock,
            DeletionSettings settings,
            SoftDeleteSettings softDelete,
            OutcomeRecorder softRecorder,
            OutcomeRecorder restoreRecorder,
            List<DeletionStep> steps,
            TablePolicies policies) {
        this.steps = DeletionSteps.of(steps);
        this.policies = Objects.requireNonNull(policies, "policies");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.softDelete = Objects.requireNonNull(softDelete, "softDelete");
        this.softRecorder = Objects.requireNonNull(softRecorder, "softRecorder");
        this.restoreRecorder = Objects.requireNonNull(restoreRecorder, "restoreRecorder");
        this.tenantIds = TenantIds.of(plan);
    }

    /**
     * Creates {@code lethe_soft_deletion}, {@code lethe_soft_deletion_table}, {@code lethe_soft_deleted_row} and
     * {@code lethe_tenant_fence} if they do not exist, and reads which planned tables can be soft-deleted. Idempotent;
     * call it at start-up, after {@link TenantDeleter#createLedgerIfMissing()}.
     *
     * @throws DeletionLedgerException if the tables cannot be created
     * @throws IllegalStateException if a planned table's soft-delete column is not a timestamp
     */
    public void createTablesIfMissing() {
        try (Connection connection = dataSource.getConnection()) {
            ledger.createIfMissing(connection);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            // A table that keeps its rows (ANONYMIZE, RETAIN) is not hidden: its rows stay in service.
            softDeletable = SoftDeletableTables.read(connection, plan, softDelete.column()).stream()
                    .filter(table -> policies.kindOf(table.table()) == TablePolicy.Kind.DELETE)
                    .toList();
        } catch (SQLException e) {
            throw new DeletionLedgerException(
                    "cannot create the soft-deletion ledger (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /** {@return the qualified names of the planned tables whose rows a soft delete hides} */
    public List<String> softDeletableTables() {
        return softDeletable().stream().map(t -> t.table().qualified()).toList();
    }

    /**
     * Hides the task's tenant (see the class comment), or stops with {@code PREVIEW_DRIFT} if it has materially more
     * rows than the approved preview.
     */
    public DeletionResult softDelete(DeletionTask task, PreviewBound bound) {
        log.info("Job {}: soft-deleting tenant {} (attempt {})", task.jobId(), task.tenantId(), task.attempt());
        return withRows(task, (rows, connection, values) -> {
            if (bound.enforced()) {
                // Counted at the start of the transaction that then claims the job, before it writes anything; the
                // counts are one statement, so one snapshot (for up to 500 tables). A drift rolls it back.
                List<String> exceeded = bound.exceededBy(TenantDeleter.count(rows, policies, false));
                if (!exceeded.isEmpty()) {
                    return SoftDeletionRun.drift(task, exceeded, now());
                }
            }
            return run(task, rows, connection).softDelete();
        });
    }

    /** Shows again exactly the rows the task's soft delete hid and lifts the fence (see the class comment). */
    public DeletionResult restore(DeletionTask task) {
        log.info("Job {}: restoring tenant {} (attempt {})", task.jobId(), task.tenantId(), task.attempt());
        return withRows(
                task, (rows, connection, values) -> run(task, rows, connection).restore());
    }

    /**
     * Checks, before a hard delete, that the job's soft delete completed here. The drift was checked before the soft
     * delete; the hard delete removes what it hid and anything of the tenant that appeared since.
     *
     * @return the failure that refuses the hard delete ({@code NOT_SOFT_DELETED}, {@code JOB_TENANT_MISMATCH}, or a
     *     database failure), or empty if it may go ahead
     */
    public Optional<DeletionResult.Failed> refuseHardDelete(DeletionTask task) {
        DeletionResult result = withRows(task, (rows, connection, values) -> {
            DeletionResult.Failed refused = refusal(connection, task);
            connection.rollback();
            return refused;
        });
        return result instanceof DeletionResult.Failed failed ? Optional.of(failed) : Optional.empty();
    }

    /**
     * Locks the job's soft-deletion row for the open transaction and says why a hard delete may not go ahead: the job
     * hid another tenant, or did not complete its soft delete here.
     *
     * @return the failure, or {@code null} to go on
     */
    private DeletionResult.Failed refusal(Connection connection, DeletionTask task) throws SQLException {
        JdbcSoftDeletionLedger.Entry entry = ledger.lock(connection, task.jobId());
        if (entry != null && !entry.tenantId().equals(task.tenantId())) {
            return new DeletionResult.Failed(
                    task.jobId(),
                    task.tenantId(),
                    task.attempt(),
                    DeletionResult.Failed.JOB_TENANT_MISMATCH,
                    "job %s belongs to the soft delete of another tenant; nothing deleted for tenant %s"
                            .formatted(task.jobId(), task.tenantId()),
                    null,
                    false,
                    now());
        }
        if (entry == null || entry.state() != JdbcSoftDeletionLedger.State.HIDDEN) {
            return SoftDeletionRun.notSoftDeleted(task, entry == null ? null : entry.state(), now());
        }
        return null;
    }

    /**
     * {@return the check of {@link #refuseHardDelete} and the clean-up of {@link #forgetHiddenRows}, for {@link
     * TenantDeleter#delete(DeletionTask, TenantSoftDeleter)} to run in the hard delete's own transactions}
     *
     * @throws DeletionLedgerException if the soft-deletion tables did not exist and cannot be created
     */
    HardDeleteGuard hardDeleteGuard() {
        // Creates the tables on first use if start-up did not, before the hard delete's connection is taken.
        softDeletable();
        return new HardDeleteGuard() {
            /** Whether the completing transaction left listed keys of the job, to forget after its commit. */
            private boolean moreListed;

            @Override
            public DeletionResult.Failed refusal(Connection connection, DeletionTask task) throws SQLException {
                return TenantSoftDeleter.this.refusal(connection, task);
            }

            @Override
            public void completing(Connection connection, DeletionTask task) throws SQLException {
                // At most a chunk's worth in the completing transaction, which holds the job's lock.
                moreListed = ledger.unlistSome(connection, task.jobId(), settings.chunkSize()) >= settings.chunkSize();
            }

            @Override
            public void completed(DeletionTask task) {
                if (moreListed) {
                    forgetHiddenRows(task.jobId());
                }
            }
        };
    }

    /**
     * Forgets the keys of the rows the job hid, once its hard delete completed: those rows are gone. Best effort; a
     * failure leaves ids behind, nothing else.
     */
    public void forgetHiddenRows(String jobId) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // A transaction of its own, in which the listing's statement sets how it is planned (PlanCacheMode).
            connection.setAutoCommit(false);
            try {
                ledger.unlistAll(connection, jobId);
                connection.commit();
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            log.warn("Job {}: could not forget the keys of its hidden rows (SQLState {})", jobId, e.getSQLState());
        }
    }

    private SoftDeletionRun run(DeletionTask task, TenantRows rows, Connection connection) {
        return new SoftDeletionRun(
                new SoftDeletionRun.Job(connection, task, ledger, clock),
                rows,
                plan,
                softDeletable(),
                softDelete.column(),
                settings,
                softRecorder,
                restoreRecorder,
                steps);
    }

    private List<PlannedTable> softDeletable() {
        List<PlannedTable> tables = softDeletable;
        if (tables == null) {
            createTablesIfMissing();
            tables = softDeletable;
        }
        return tables;
    }

    /** What to do with the tenant's rows on a connection of its own; returns the result, or {@code null} for none. */
    @FunctionalInterface
    private interface Work {
        DeletionResult apply(TenantRows rows, Connection connection, Map<TenantIdType, Object> values)
                throws SQLException;
    }

    /**
     * Runs the work on a connection of its own with auto-commit off; a database failure rolls back the open
     * transaction and becomes a {@code SQL_ERROR} naming the table; anything else rolls it back and travels on.
     */
    private DeletionResult withRows(DeletionTask task, Work work) {
        Optional<Map<TenantIdType, Object>> values = tenantIds.convert(task.tenantId());
        if (values.isEmpty()) {
            return tenantIds.invalid(task, now());
        }
        TenantRows rows = null;
        try {
            // Creates the tables on first use if start-up did not.
            softDeletable();
        } catch (DeletionLedgerException e) {
            return SqlFailures.failed(task, null, (SQLException) e.getCause(), now());
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                connection.setAutoCommit(false);
                rows = TenantDeleter.rows(connection, plan, values.get(), task, policies, catalog);
                DeletionResult result = work.apply(rows, connection, values.get());
                log(result);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            DeletionResult.Failed failed =
                    SqlFailures.failed(task, rows == null ? null : rows.currentTable(), e, now());
            log(failed);
            return failed;
        } catch (ScopedTables.InvalidScopeException e) {
            DeletionResult.Failed failed = e.failed(task, now());
            log(failed);
            return failed;
        }
    }

    private static void log(DeletionResult result) {
        if (result instanceof DeletionResult.Completed completed) {
            log.info(
                    "Job {}: tenant {}: {} rows ({})",
                    completed.jobId(),
                    completed.tenantId(),
                    completed.rowsDeleted(),
                    completed.replayed() ? "replayed" : "done");
        } else if (result instanceof DeletionResult.Failed failed) {
            log.warn(
                    "Job {}: tenant {} stopped: {} (retryable: {}) {}",
                    failed.jobId(),
                    failed.tenantId(),
                    failed.errorCode(),
                    failed.retryable(),
                    failed.message());
        }
    }

    private Instant now() {
        return JobLedger.now(clock);
    }
}
