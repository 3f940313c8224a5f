package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes one tenant's rows as planned, in chunks, resumably, with exact counts. One call runs these transactions on
 * one connection:
 *
 * <ol>
 *   <li><b>Claim.</b> Insert the job into the ledger as {@code DELETING} unless it is there, and lock its row ({@code
 *       SELECT ... FOR UPDATE}). A job of another tenant fails ({@code JOB_TENANT_MISMATCH}); a {@code COMPLETED} job
 *       is replayed. Otherwise add a progress row per planned table, run every cross-tenant-reference check (all of
 *       them before anything is deleted: a check failing after chunks were committed could not undo them), run the
 *       null-outs, commit; or, when the null-outs changed fewer rows than a chunk and no deletion step runs first,
 *       hold the transaction open as a small chunk is held ({@link JobTransaction#commitOrHold}), so that a small
 *       tenant is claimed, deleted and completed in one transaction.
 *   <li><b>Tables</b>, children first, each in passes of chunk transactions ({@link DeletionSettings}): a pass
 *       selects the primary keys of the table's rows of the tenant once, into a server-side {@code WITH HOLD} cursor
 *       that PostgreSQL materialises; each chunk transaction locks the job's row, fetches the next {@code chunkSize}
 *       keys, deletes those rows by key ({@code = ANY(?)} or {@code IN (SELECT * FROM unnest(?, ...))}) and adds the
 *       rows deleted to the table's progress row in the same statement ({@link DeletionStatements#counted}), and
 *       commits. A pass whose rows fit in one chunk selects their keys directly, without a cursor, and for a table that
 *       carries none deletes them in the same statement ({@link DeletionStatements#deleteFirstChunk}); unless there
 *       are 1,000 or more and the participant checks the table's chunks' foreign keys ({@link BatchedReferenceCheck}),
 *       which the cursor's chunks have. Neither OFFSET nor a re-evaluated predicate: no chunk walks the rows deleted
 *       before it, and the JVM holds one chunk of keys. A
 *       table without a primary key or with a foreign key to itself (a chunk could delete a parent row before its
 *       children) is deleted by one set-based statement per pass, in a transaction of its own with its progress.
 *       Another pass follows while the last one deleted rows, up to {@code maxPasses}, except after an owned table's
 *       direct selection that found fewer keys than it asked for (it saw all the rows; the completion counts them
 *       again). A DEPENDENT table is counted after its
 *       passes, while its parents still exist; rows left fail the call ({@code VERIFICATION_FAILED}, retryable). A
 *       DEPENDENT table that reaches the tenant through one foreign key is {@link CarriedTables carried} instead: a
 *       whole-tenant delete removes its rows with each chunk of its parent's keys, in the statement that deletes the
 *       chunk (its rows found through the keys the chunk's delete returns, not by a join over the whole tenant; one
 *       statement a table, carried tables first, where a trigger could tell the difference); rows of it that survive
 *       make the parents' delete fail on the foreign key, and are reported as its own.
 *   <li><b>Complete.</b> Lock the job's row, count every planned table (rows left: {@code VERIFICATION_FAILED}), mark
 *       the job {@code COMPLETED} with {@code finished_at}, record the progress rows' counts as its result, call the
 *       {@link OutcomeRecorder}, commit.
 * </ol>
 *
 * <p>Never throws for database problems: every outcome is a {@link DeletionResult}. A {@link DeletionResult.Failed}
 * rolls back only the transaction that failed: chunks committed before stay deleted and counted, and the next
 * delivery of the job (any attempt number) resumes it. The counts are exact across failures, crashes and concurrent
 * deliveries: each chunk's count is the rows its {@code DELETE} returned, committed with the delete, and a row already
 * deleted by another delivery is not counted again. A job found {@code COMPLETED} is not run again: its recorded
 * result is returned with {@code replayed = true}, and recorded again in a short transaction of its own.
 * Thread-safe; one connection per call; needs PostgreSQL (cursors {@code WITH HOLD}, arrays). Logs job and tenant ids,
 * tables and counts, never row contents.
 */
public final class TenantDeleter {

    private static final Logger log = LoggerFactory.getLogger(TenantDeleter.class);

    private final DataSource dataSource;
    private final DeletionPlan plan;
    private final Clock clock;
    private final DeletionSettings settings;
    private final OutcomeRecorder recorder;
    private final TenantIds tenantIds;
    private final DeletionSteps steps;
    private final TablePolicies policies;
    private final CarriedTables carried;
    private final JdbcDeletionLedger ledger = new JdbcDeletionLedger();
    /** The key columns' types, read from the catalog once per table (the plan is fixed at start-up). */
    private final CatalogCache catalog = CatalogCache.create();

    /**
     * A deleter with {@link DeletionSettings#defaults()} that records outcomes nowhere ({@link OutcomeRecorder#NONE}).
     *
     * @param dataSource the participant's own database
     * @param plan the plan, usually built once at start-up
     * @param clock the source of the ledger's and results' timestamps
     */
    public TenantDeleter(DataSource dataSource, DeletionPlan plan, Clock clock) {
        this(dataSource, plan, clock, DeletionSettings.defaults(), OutcomeRecorder.NONE);
    }

    /**
     * @param dataSource the participant's own database
     * @param plan the plan, usually built once at start-up
     * @param clock the source of the ledger's and results' timestamps
     * @param settings the chunk size and passes
     * @param recorder writes each completed outcome in the transaction that completes the job
     */
    public TenantDeleter(
            DataSource dataSource,
            DeletionPlan plan,
            Clock clock,
            DeletionSettings settings,
            OutcomeRecorder recorder) {
        this(dataSource, plan, clock, settings, recorder, List.of(), TablePolicies.none());
    }

    /**
     * @param dataSource the participant's own database
     * @param plan the plan, usually built once at start-up
     * @param clock the source of the ledger's and results' timestamps
     * @param settings the chunk size and passes
     * @param recorder writes each completed outcome in the transaction that completes the job
     * @param steps the deletion steps outside the database, each run before or after the tables
     * @param policies which tables keep their rows, anonymized or as they are ({@link TablePolicies#resolve})
     * @throws IllegalArgumentException if two steps have the same name, or a name is malformed
     */
    public TenantDeleter(
            DataSource dataSource,
            DeletionPlan plan,
            Clock clock,
            DeletionSettings settings,
            OutcomeRecorder recorder,
            List<DeletionStep> steps,
            TablePolicies policies) {
        this.steps = DeletionSteps.of(steps);
        this.policies = Objects.requireNonNull(policies, "policies");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.tenantIds = TenantIds.of(plan);
        this.carried = CarriedTables.of(plan, policies);
        carried.describe()
                .forEach(line -> log.info("Tables deleted with each chunk of the rows they depend on: {}", line));
    }

    /**
     * Creates the ledger tables {@code lethe_deletion_ledger}, {@code lethe_deletion_ledger_table} and {@code
     * lethe_deletion_progress} if they do not exist, in the connection's current schema, and upgrades a ledger of an
     * earlier version. Idempotent; call it at start-up.
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
     * Reads from the catalog, for each table this deleter deletes in chunks, whether the participant checks its chunks'
     * foreign keys ({@link BatchedReferenceCheck}) or PostgreSQL does, and why; logs the tables the participant checks,
     * and those PostgreSQL checks, each with its reason (or, if the reason is the role's or the server's, that reason
     * once), and keeps the decisions for the jobs, which would otherwise read them at each table's first cursor chunk
     * (and send a table of 1,000 to a chunk's worth of the tenant's rows through a cursor only after that: {@link
     * TableDeletion#onlyChunkKeys}). Call it at start-up, after {@link #createLedgerIfMissing()}. A failure is logged,
     * with nothing kept, and leaves the reading to the jobs; a decision is read again whenever what it was read from
     * changes.
     *
     * @return one line per table deleted in chunks, with the tables it carries: who checks its chunks' foreign keys;
     *     empty if the checks by chunk are turned off or the catalog could not be read
     */
    public List<String> readReferenceChecks() {
        if (!settings.batchedReferenceChecks()) {
            log.info("Foreign keys are checked by PostgreSQL, row by row: the participant's checks by chunk are turned"
                    + " off");
            return List.of();
        }
        Map<String, BatchedReferenceCheck.Decision> decisions = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            try {
                TenantRows rows = new TenantRows(connection, plan, Map.of(), null, null, policies, catalog);
                for (PlannedTable table : plan.tables()) {
                    List<String> key = plan.chunkKey(table.table());
                    if (key.isEmpty()
                            || policies.kindOf(table.table()) != TablePolicy.Kind.DELETE
                            || carried.isCarried(table.table())) {
                        continue;
                    }
                    List<CarriedTables.Carried> group = carried.carriedBy(table.table());
                    String tables = table.table().qualified()
                            + (group.isEmpty() ? "" : " (with " + CarriedTables.names(group) + ")");
                    decisions.put(tables, rows.referenceDecision(table, key, group));
                }
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            log.warn(
                    "Cannot read now whether the participant checks the foreign keys of chunks (SQLState {}: {}); each"
                            + " table's first chunk reads it",
                    e.getSQLState(),
                    SqlFailures.summary(e));
            log.debug("The start-up read of the foreign keys' checks failed", e);
            catalog.referenceChecks().clear();
            return List.of();
        } catch (RuntimeException e) {
            // Not a database answer (a bug, a proxy's exception): the jobs read it again, and fail as they may.
            log.warn(
                    "Cannot read now whether the participant checks the foreign keys of chunks; each table's first"
                            + " chunk reads it",
                    e);
            catalog.referenceChecks().clear();
            return List.of();
        }
        return describe(decisions);
    }

    /** Logs the decisions {@link #readReferenceChecks} read, and {@return its lines} */
    private static List<String> describe(Map<String, BatchedReferenceCheck.Decision> decisions) {
        List<String> lines = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        Set<String> everywhere = Set.of(TenantRows.ROLE_MAY_NOT, TenantRows.BEFORE_12);
        decisions.forEach((tables, decision) -> {
            if (decision.check().isPresent()) {
                checked.add(tables);
                lines.add(tables + ": checked by the participant");
            } else if (decision.reason().equals(BatchedReferenceCheck.NOTHING_REFERENCES)) {
                lines.add(tables + ": nothing to check, " + decision.reason());
            } else {
                lines.add(tables + ": checked by PostgreSQL, " + decision.reason());
                if (!everywhere.contains(decision.reason())) {
                    log.info(
                            "Foreign keys of the chunks of {} are checked by PostgreSQL, row by row: {}",
                            tables,
                            decision.reason());
                }
            }
        });
        if (!checked.isEmpty()) {
            log.info("Foreign keys of chunks checked by the participant: {}", String.join(", ", checked));
        }
        // The role's is logged where it is read (TenantRows.referenceDecision).
        if (decisions.values().stream().anyMatch(d -> TenantRows.BEFORE_12.equals(d.reason()))) {
            log.info("Foreign keys are checked by PostgreSQL, row by row: {}", TenantRows.BEFORE_12);
        }
        return List.copyOf(lines);
    }

    /**
     * Deletes the task's tenant, resumes the job if an earlier delivery stopped, or replays the recorded result if the
     * job already completed.
     *
     * @param task the job and tenant
     * @return {@link DeletionResult.Completed} (committed, or replayed) or {@link DeletionResult.Failed} (stopped;
     *     committed chunks stay deleted and are counted when the job is resumed)
     */
    public DeletionResult delete(DeletionTask task) {
        return delete(task, HardDeleteGuard.NONE);
    }

    /**
     * Deletes the task's tenant as {@link #delete(DeletionTask)} does, as the hard delete of a job that was
     * soft-deleted here first: the transaction that claims the job also checks that the job's soft delete completed
     * here (else {@code NOT_SOFT_DELETED}, nothing deleted), holding the soft delete's row locked until the claim
     * commits so that no restore can start meanwhile; the transaction that completes the job also forgets the keys of
     * the rows the soft delete hid (they are gone), up to a chunk's worth; more are forgotten after the commit, best
     * effort.
     *
     * @param task the job and tenant
     * @param softDeletion the participant's soft deleter, whose ledger holds the job's soft delete
     * @return as {@link #delete(DeletionTask)}, or the {@code NOT_SOFT_DELETED} failure
     */
    public DeletionResult delete(DeletionTask task, TenantSoftDeleter softDeletion) {
        HardDeleteGuard guard;
        try {
            // Before the hard delete takes its connection: creates the soft-deletion tables on first use.
            guard = softDeletion.hardDeleteGuard();
        } catch (DeletionLedgerException e) {
            return SqlFailures.failed(task, null, (SQLException) e.getCause(), JobLedger.now(clock));
        }
        DeletionResult result = delete(task, guard);
        if (result instanceof DeletionResult.Completed completed && !completed.replayed()) {
            guard.completed(task);
        }
        return result;
    }

    private DeletionResult delete(DeletionTask task, HardDeleteGuard guard) {
        Instant startedAt = JobLedger.now(clock);
        log.info(
                "Job {}: deleting tenant {} (attempt {}) from {} tables",
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                plan.tables().size());
        Optional<Map<TenantIdType, Object>> values = tenantIds.convert(task.tenantId());
        DeletionResult result = values.isPresent()
                ? deleteWithConnection(task, values.get(), startedAt, guard)
                : tenantIds.invalid(task, startedAt);
        logOutcome(result);
        return result;
    }

    /**
     * Counts, per planned table in deletion order, the tenant's rows that {@link #delete} would delete now, in one
     * read-only snapshot; changes nothing. The result's {@code rowsDeleted} are those counts.
     *
     * @param task the job and tenant
     * @return {@link DeletionResult.Completed} with the counts, or {@link DeletionResult.Failed}
     */
    public DeletionResult preview(DeletionTask task) {
        return preview(task, OutcomeRecorder.NONE);
    }

    /**
     * Counts as {@link #preview(DeletionTask)} does, and records the counts with {@code recorder} in the snapshot's
     * transaction, which then commits: one transaction for the counts and their outcome (an outbox).
     *
     * @param task the job and tenant
     * @param recorder writes the counts before the snapshot's transaction commits; if it throws, the call returns a
     *     retryable {@link DeletionResult.Failed#OUTCOME_NOT_RECORDED}
     * @return {@link DeletionResult.Completed} with the counts, or {@link DeletionResult.Failed}
     */
    public DeletionResult preview(DeletionTask task, OutcomeRecorder recorder) {
        DeletionResult result = count(task, false, recorder);
        if (result instanceof DeletionResult.Completed counted) {
            log.info(
                    "Job {}: previewed tenant {}: {} rows in {} tables would be deleted",
                    task.jobId(),
                    task.tenantId(),
                    counted.rowsDeleted(),
                    counted.tables().size());
        }
        return result;
    }

    /**
     * Counts, per planned table in deletion order, what is left of the tenant, hidden rows included, in one read-only
     * snapshot; changes nothing. A re-verification after a hard delete: the result's {@code rowsRemaining} are the
     * counts (0 everywhere when the deletion held), its {@code rowsDeleted} are 0.
     *
     * @param task the job (the VERIFY job, not the deletion it verifies) and tenant
     * @return {@link DeletionResult.Completed} with the counts, or {@link DeletionResult.Failed}
     */
    public DeletionResult verify(DeletionTask task) {
        return verify(task, OutcomeRecorder.NONE);
    }

    /**
     * Counts as {@link #verify(DeletionTask)} does, and records the counts with {@code recorder} in the snapshot's
     * transaction, which then commits.
     *
     * @param task the job (the VERIFY job) and tenant
     * @param recorder writes the counts before the snapshot's transaction commits; if it throws, the call returns a
     *     retryable {@link DeletionResult.Failed#OUTCOME_NOT_RECORDED}
     * @return {@link DeletionResult.Completed} with the counts, or {@link DeletionResult.Failed}
     */
    public DeletionResult verify(DeletionTask task, OutcomeRecorder recorder) {
        DeletionResult result = count(task, true, recorder);
        if (result instanceof DeletionResult.Completed left) {
            if (left.rowsRemaining() == 0) {
                log.info(
                        "Job {}: verified tenant {}: 0 rows in {} tables",
                        task.jobId(),
                        task.tenantId(),
                        left.tables().size());
            } else {
                log.warn(
                        "Job {}: verified tenant {}: {} rows left ({})",
                        task.jobId(),
                        task.tenantId(),
                        left.rowsRemaining(),
                        left.tables().stream()
                                .filter(table -> table.rowsRemaining() > 0)
                                .map(table -> table.table() + "=" + table.rowsRemaining())
                                .collect(Collectors.joining(", ")));
            }
        }
        return result;
    }

    /**
     * The task's counts in one repeatable-read snapshot, steps included: what a hard delete would do, or what is left;
     * recorded with {@code recorder} in the snapshot's transaction before it commits.
     */
    private DeletionResult count(DeletionTask task, boolean whatIsLeft, OutcomeRecorder recorder) {
        Instant startedAt = JobLedger.now(clock);
        Optional<Map<TenantIdType, Object>> values = tenantIds.convert(task.tenantId());
        if (values.isEmpty()) {
            return tenantIds.invalid(task, startedAt);
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(false);
                // For this transaction only, sent with its BEGIN: the connection's own level is not read or changed.
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                }
                TenantRows rows = rows(connection, plan, values.get(), task, policies);
                ScopeCheck check = rows.checkScope();
                List<TableResult> counts = steps.around(count(rows, policies, whatIsLeft), task, whatIsLeft);
                DeletionResult.Completed counted = new DeletionResult.Completed(
                                task.jobId(),
                                task.tenantId(),
                                task.attempt(),
                                counts,
                                counts.stream()
                                        .mapToLong(TableResult::rowsRemaining)
                                        .sum(),
                                startedAt,
                                JobLedger.now(clock),
                                false)
                        .with(check);
                try {
                    recorder.record(connection, counted);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    log.debug("Job {}: the outcome recorder failed", task.jobId(), e);
                    return SqlFailures.outcomeNotRecorded(task, e, JobLedger.now(clock));
                }
                connection.commit();
                return counted;
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            return SqlFailures.failed(task, null, e, JobLedger.now(clock));
        } catch (DeletionSteps.StepException e) {
            return e.failed(task, JobLedger.now(clock));
        } catch (ScopedTables.InvalidScopeException e) {
            return e.failed(task, JobLedger.now(clock));
        }
    }

    /** {@return the reported names of the deletion steps, {@code step:<name>}, in the order they run} */
    public List<String> stepNames() {
        return steps.all().stream().map(DeletionSteps::reportedName).toList();
    }

    /**
     * Counts the task's rows in every table it selects, in the connection's open transaction: one statement for up to
     * 500 tables (so one snapshot even under {@code READ COMMITTED}), a statement per 500 beyond.
     *
     * @return per table, in deletion order, its rows as {@code rowsDeleted}; see {@link #counted}
     */
    static List<TableResult> count(TenantRows rows, TablePolicies policies, boolean whatIsLeft) throws SQLException {
        List<SqlFragment> queries = new ArrayList<>();
        for (PlannedTable table : rows.tables()) {
            switch (policies.kindOf(table.table())) {
                case DELETE, RETAIN -> queries.add(rows.countOf(table));
                case ANONYMIZE -> {
                    queries.add(rows.notAnonymizedOf(table));
                    if (whatIsLeft) {
                        queries.add(rows.countOf(table));
                    }
                }
            }
        }
        PrimitiveIterator.OfLong values =
                Arrays.stream(rows.countTogether(queries)).iterator();
        List<TableResult> counts = new ArrayList<>();
        for (PlannedTable table : rows.tables()) {
            counts.add(counted(table, policies, whatIsLeft, values));
        }
        return counts;
    }

    private DeletionResult deleteWithConnection(
            DeletionTask task, Map<TenantIdType, Object> values, Instant startedAt, HardDeleteGuard guard) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            return SqlFailures.failed(task, null, e, JobLedger.now(clock));
        }
        TenantRows rows = null;
        try {
            connection.setAutoCommit(false);
            rows = rows(connection, plan, values, task, policies, catalog);
            JobLedger job = new JobLedger(connection, task, ledger, clock);
            // A scoped delete selects through its scope, table by table.
            CarriedTables carriedNow = task.scope() == null ? carried : CarriedTables.none();
            return new DeletionRun(job, rows, plan, settings, recorder, steps, policies, carriedNow, guard)
                    .run(startedAt);
        } catch (SQLException e) {
            rollback(connection, e);
            return SqlFailures.failed(task, rows == null ? null : rows.currentTable(), e, JobLedger.now(clock));
        } catch (ScopedTables.InvalidScopeException e) {
            return e.failed(task, JobLedger.now(clock));
        } catch (RuntimeException | Error e) {
            // Not a database answer (a bug, a proxy's exception, out of memory): undo the open transaction, then let
            // it travel. Chunks committed before stay deleted and counted; the next delivery resumes the job.
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            release(connection, task);
        }
    }

    /**
     * The task's rows on the connection: the whole tenant's, or those of its scope.
     *
     * @throws ScopedTables.InvalidScopeException if the task's scope does not fit the plan
     */
    static TenantRows rows(
            Connection connection,
            DeletionPlan plan,
            Map<TenantIdType, Object> ids,
            DeletionTask task,
            TablePolicies policies)
            throws SQLException {
        return rows(connection, plan, ids, task, policies, CatalogCache.create());
    }

    /** Like the above, with the key columns' types that the caller keeps for its plan. */
    static TenantRows rows(
            Connection connection,
            DeletionPlan plan,
            Map<TenantIdType, Object> ids,
            DeletionTask task,
            TablePolicies policies,
            CatalogCache catalog)
            throws SQLException {
        return new TenantRows(
                connection,
                plan,
                ids,
                task.scope() == null ? null : ScopedTables.of(plan, task.scope()),
                task.scope(),
                policies,
                catalog);
    }

    /**
     * One table's count by its policy: what a hard delete would delete or anonymize, and keeps (a preview); or what is
     * left that the policy removes (a verification). Its counts are taken from {@code values} in the order they were
     * asked for.
     */
    private static TableResult counted(
            PlannedTable table, TablePolicies policies, boolean whatIsLeft, PrimitiveIterator.OfLong values) {
        String name = table.table().qualified();
        String reason = policies.reasonOf(table.table());
        return switch (policies.kindOf(table.table())) {
            case DELETE -> {
                long count = values.nextLong();
                yield whatIsLeft ? new TableResult(name, 0, count) : new TableResult(name, count, 0);
            }
            case ANONYMIZE -> {
                long original = values.nextLong();
                long anonymized = whatIsLeft ? values.nextLong() - original : original;
                yield new TableResult(
                        name, 0, whatIsLeft ? original : 0, TablePolicy.Kind.ANONYMIZE, anonymized, 0, reason);
            }
            case RETAIN -> new TableResult(name, 0, 0, TablePolicy.Kind.RETAIN, 0, values.nextLong(), reason);
        };
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
     * outcome; if a commit's acknowledgement is lost instead, the retry finds the ledger entry and resumes or replays.
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
                    "Job {}: deleting tenant {} stopped, committed chunks stay deleted: {} (retryable: {}) {}",
                    failed.jobId(),
                    failed.tenantId(),
                    failed.errorCode(),
                    failed.retryable(),
                    failed.message());
        } else {
            throw new IllegalStateException("unknown deletion result " + result.getClass());
        }
    }
}
