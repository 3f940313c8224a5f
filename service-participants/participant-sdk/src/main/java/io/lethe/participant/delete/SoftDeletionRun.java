package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * One soft delete or restore on its connection (see {@link TenantSoftDeleter} for the algorithm). A {@link
 * SQLException} leaves the current transaction for the caller to roll back; what was committed before stays, for the
 * next delivery to resume.
 */
final class SoftDeletionRun {

    /**
     * The job's soft-deletion ledger on this connection, and the connection's transaction boundaries ({@link
     * JobTransaction}): a pass's only chunk of fewer rows than a chunk stays open, the job's row locked, so that a
     * small tenant's tables are hidden in one transaction with the job's completion.
     */
    static final class Job {

        private final DeletionTask task;
        private final JdbcSoftDeletionLedger ledger;
        private final Clock clock;
        private final JobTransaction<JdbcSoftDeletionLedger.Entry> transaction;

        Job(Connection connection, DeletionTask task, JdbcSoftDeletionLedger ledger, Clock clock) {
            this.task = task;
            this.ledger = ledger;
            this.clock = clock;
            this.transaction = new JobTransaction<>(connection, locking -> ledger.lock(locking, task.jobId()));
        }

        Connection connection() {
            return transaction.connection();
        }

        DeletionTask task() {
            return task;
        }

        JdbcSoftDeletionLedger ledger() {
            return ledger;
        }

        Instant now() {
            return JobLedger.now(clock);
        }

        JdbcSoftDeletionLedger.Claim claim(Instant hiddenAt) throws SQLException {
            JdbcSoftDeletionLedger.Claim claim = ledger.claim(connection(), task, hiddenAt);
            transaction.locked(claim.entry());
            return claim;
        }

        /** {@return the job's row, locked by the open transaction; {@code null} if the job hid nothing here} */
        JdbcSoftDeletionLedger.Entry lock() throws SQLException {
            return transaction.lock();
        }

        void setState(JdbcSoftDeletionLedger.State state, Instant finishedAt) throws SQLException {
            ledger.setState(connection(), task.jobId(), state, finishedAt);
            transaction.changed();
        }

        /** {@link #setState}, and the phase's counts read in the same round trip. */
        List<TableResult> setStateAndCounts(
                JdbcSoftDeletionLedger.State state, Instant finishedAt, JdbcSoftDeletionLedger.Phase phase)
                throws SQLException {
            List<TableResult> tables = ledger.setStateAndCounts(connection(), task.jobId(), state, finishedAt, phase);
            transaction.changed();
            return tables;
        }

        void commit() throws SQLException {
            transaction.commit();
        }

        void commitOrHold(long rows, long limit) throws SQLException {
            transaction.commitOrHold(rows, limit);
        }

        void rollback() throws SQLException {
            transaction.rollback();
        }
    }

    private final Job job;
    private final TenantRows rows;
    private final DeletionPlan plan;
    private final List<PlannedTable> softDeletable;
    private final String column;
    private final DeletionSettings settings;
    private final OutcomeRecorder softRecorder;
    private final OutcomeRecorder restoreRecorder;
    private final DeletionSteps steps;

    SoftDeletionRun(
            Job job,
            TenantRows rows,
            DeletionPlan plan,
            List<PlannedTable> softDeletable,
            String column,
            DeletionSettings settings,
            OutcomeRecorder softRecorder,
            OutcomeRecorder restoreRecorder,
            DeletionSteps steps) {
        this.job = job;
        this.rows = rows;
        this.plan = plan;
        // A scoped deletion hides rows only in the tables its scope reaches.
        this.softDeletable =
                softDeletable.stream().filter(rows.tables()::contains).toList();
        this.column = column;
        this.settings = settings;
        this.softRecorder = softRecorder;
        this.restoreRecorder = restoreRecorder;
        this.steps = steps;
    }

    DeletionResult softDelete() throws SQLException {
        DeletionTask task = job.task();
        JdbcSoftDeletionLedger.Claim claim = job.claim(job.now());
        JdbcSoftDeletionLedger.Entry entry = claim.entry();
        DeletionResult.Failed refused = refuseSoftDelete(claim);
        if (refused != null) {
            job.rollback();
            return refused;
        }
        // Before anything is hidden (hidden rows still exist, so a resumed job finds the same).
        ScopeCheck check = rows.checkScope();
        // Fenced with the counts, before the first row is hidden: from now on the service serves the tenant no more.
        // A scoped deletion leaves the tenant in service: only the listed entities go.
        job.ledger()
                .startCounts(
                        job.connection(),
                        task.jobId(),
                        JdbcSoftDeletionLedger.Phase.SOFT,
                        steps.names(rows.tables()),
                        job.now(),
                        task.scope() == null ? task.tenantId() : null);
        job.commit();
        DeletionResult stopped = runSteps(steps.before(), JdbcSoftDeletionLedger.Phase.SOFT);
        if (stopped != null) {
            return stopped;
        }
        for (PlannedTable table : softDeletable) {
            if (!hide(table, entry.hiddenAt())) {
                job.rollback();
                return restoredMeanwhile();
            }
        }
        if (!steps.after().isEmpty()) {
            // A step acts outside this transaction (files, another system): the tables' hidden rows commit first.
            job.commit();
        }
        stopped = runSteps(steps.after(), JdbcSoftDeletionLedger.Phase.SOFT);
        if (stopped != null) {
            return stopped;
        }
        JdbcSoftDeletionLedger.State state = job.lock().state();
        if (state == JdbcSoftDeletionLedger.State.RESTORING || state == JdbcSoftDeletionLedger.State.RESTORED) {
            // A restore ran while this run held no lock (between steps, after a pass through a cursor, or after the
            // claim when there is no table to hide): the job must not be marked hidden again.
            job.rollback();
            return restoredMeanwhile();
        }
        long[] counts = rows.countTogether(softDeletable.stream()
                .map(table -> rows.visibleOf(table, column))
                .toList());
        for (int i = 0; i < counts.length; i++) {
            PlannedTable table = softDeletable.get(i);
            long visible = counts[i];
            if (visible > 0) {
                // The chunks held open in this transaction stay hidden, as committed chunks do.
                job.commit();
                return failed(
                        DeletionResult.Failed.VERIFICATION_FAILED,
                        "table %s still has %d rows that are not hidden".formatted(table.table(), visible),
                        table.table().qualified(),
                        true);
            }
        }
        List<TableResult> tables = job.setStateAndCounts(
                JdbcSoftDeletionLedger.State.HIDDEN, job.now(), JdbcSoftDeletionLedger.Phase.SOFT);
        return recordAndCommit(softRecorder, completed(entry, tables, false).with(check));
    }

    DeletionResult restore() throws SQLException {
        DeletionTask task = job.task();
        JdbcSoftDeletionLedger.Entry entry = job.lock();
        if (entry == null) {
            // This participant hid nothing for the job: nothing to restore.
            return recordAndCommit(
                    restoreRecorder,
                    new DeletionResult.Completed(
                            task.jobId(), task.tenantId(), task.attempt(), List.of(), 0, job.now(), job.now(), false));
        }
        if (!entry.tenantId().equals(task.tenantId())) {
            job.rollback();
            return failed(
                    DeletionResult.Failed.JOB_TENANT_MISMATCH,
                    "the job belongs to the deletion of another tenant; nothing restored",
                    null,
                    false);
        }
        if (job.ledger().hardDeleteStarted(job.connection(), task.jobId())) {
            job.rollback();
            return failed(
                    DeletionResult.Failed.ALREADY_HARD_DELETED,
                    "its hard delete has started; the rows are gone and cannot be restored",
                    null,
                    false);
        }
        if (entry.state() == JdbcSoftDeletionLedger.State.RESTORED) {
            return recordAndCommit(restoreRecorder, completed(entry, JdbcSoftDeletionLedger.Phase.RESTORE, true));
        }
        job.setState(JdbcSoftDeletionLedger.State.RESTORING, null);
        job.ledger()
                .startCounts(
                        job.connection(),
                        task.jobId(),
                        JdbcSoftDeletionLedger.Phase.RESTORE,
                        steps.names(rows.tables()),
                        job.now());
        job.commit();
        DeletionResult stopped = runSteps(steps.before(), JdbcSoftDeletionLedger.Phase.RESTORE);
        if (stopped != null) {
            return stopped;
        }
        for (PlannedTable table : softDeletable) {
            show(table);
        }
        stopped = runSteps(steps.after(), JdbcSoftDeletionLedger.Phase.RESTORE);
        if (stopped != null) {
            return stopped;
        }
        job.lock();
        job.setState(JdbcSoftDeletionLedger.State.RESTORED, job.now());
        job.ledger().unfence(job.connection(), task.tenantId(), task.jobId());
        return recordAndCommit(restoreRecorder, completed(entry, JdbcSoftDeletionLedger.Phase.RESTORE, false));
    }

    /**
     * Hides (SOFT) or shows again (RESTORE) each step's items, each call under the job's lock with its count committed
     * after it.
     *
     * @return {@code null} to go on, or the failure that ends the run: a step threw, or a restore began meanwhile
     */
    private DeletionResult runSteps(List<DeletionStep> toRun, JdbcSoftDeletionLedger.Phase phase) throws SQLException {
        for (DeletionStep step : toRun) {
            JdbcSoftDeletionLedger.State state = job.lock().state();
            if (phase == JdbcSoftDeletionLedger.Phase.SOFT
                    && (state == JdbcSoftDeletionLedger.State.RESTORING
                            || state == JdbcSoftDeletionLedger.State.RESTORED)) {
                job.rollback();
                return restoredMeanwhile();
            }
            long count;
            try {
                count = phase == JdbcSoftDeletionLedger.Phase.SOFT
                        ? DeletionSteps.call(step, "hide", () -> step.hide(job.task()))
                        : DeletionSteps.call(step, "restore", () -> step.restore(job.task()));
            } catch (DeletionSteps.StepException e) {
                job.rollback();
                return e.failed(job.task(), job.now());
            }
            job.ledger()
                    .addCount(
                            job.connection(),
                            job.task().jobId(),
                            phase,
                            DeletionSteps.reportedName(step),
                            count,
                            0,
                            job.now());
            job.commit();
        }
        return null;
    }

    private DeletionResult.Failed restoredMeanwhile() {
        return failed(
                DeletionResult.Failed.ALREADY_RESTORED,
                "the job was restored while it was hidden; nothing more hidden",
                null,
                false);
    }

    /**
     * A pass per cursor over the rows not hidden yet, up to {@code maxPasses} while the last pass hid rows. As a hard
     * delete's pass ({@link TableDeletion}): rows that fit in one chunk are selected and hidden by one statement,
     * without a cursor ({@link TenantRows#hideFirstChunk}, which hides nothing if it found more), and that chunk is
     * held open while the rows held are fewer than a chunk, with no pass after it (its selection saw all the rows); a
     * pass through a cursor commits each chunk.
     *
     * @return {@code false} if a restore of the job began meanwhile (another delivery): then it stops hiding
     */
    private boolean hide(PlannedTable table, Instant hiddenAt) throws SQLException {
        List<String> key = plan.primaryKey(table.table());
        for (int pass = 0; pass < settings.maxPasses(); pass++) {
            long hidden = 0;
            if (restoreBegan()) {
                return false;
            }
            TenantRows.FirstChunk first = rows.hideFirstChunk(
                    table,
                    key,
                    settings.chunkSize(),
                    column,
                    hiddenAt,
                    job.task().jobId(),
                    counter(table));
            if (first.found() <= settings.chunkSize()) {
                // The selection saw all of the table's visible rows: no further pass. The completing count looks
                // for any row inserted since, and a failed verification is retried. If it found none, the
                // transaction stays open for the next table and ends with the next commit.
                if (first.found() > 0) {
                    job.commitOrHold(first.rows(), settings.chunkSize());
                }
                return true;
            } else {
                // The rows held so far commit before the cursor is declared and materialised in a transaction of its
                // own.
                job.commit();
                try (KeyCursor cursor = rows.openVisibleKeys(table, key, column)) {
                    job.commit();
                    while (true) {
                        KeyCursor.Chunk chunk = cursor.fetch(settings.chunkSize());
                        if (chunk.isEmpty()) {
                            break;
                        }
                        // Committed one by one: closing the cursor rolls back whatever is not committed.
                        long count = hideChunk(table, key, chunk, hiddenAt);
                        if (count < 0) {
                            return false;
                        }
                        hidden += count;
                        if (chunk.size() < settings.chunkSize()) {
                            break;
                        }
                    }
                }
            }
            if (hidden == 0) {
                return true;
            }
        }
        return true;
    }

    /**
     * One chunk's transaction of a pass through a cursor: locks the job's row, hides the chunk's rows not hidden yet,
     * adds the count, and commits.
     *
     * @return the rows hidden; -1 if a restore of the job began meanwhile (rolled back)
     */
    private long hideChunk(PlannedTable table, List<String> key, KeyCursor.Chunk chunk, Instant hiddenAt)
            throws SQLException {
        if (restoreBegan()) {
            return -1;
        }
        rows.planChunkGenerically(chunk);
        long count =
                rows.hideChunk(table, key, chunk, column, hiddenAt, job.task().jobId(), counter(table));
        job.commit();
        return count;
    }

    /**
     * {@return whether a restore of the job began meanwhile (another delivery)} Locks the job's row first; rolls back
     * if so.
     */
    private boolean restoreBegan() throws SQLException {
        JdbcSoftDeletionLedger.State state = job.lock().state();
        if (state == JdbcSoftDeletionLedger.State.RESTORING || state == JdbcSoftDeletionLedger.State.RESTORED) {
            job.rollback();
            return true;
        }
        return false;
    }

    /** The job's count row of the table, for a hide to add its rows to. */
    private SqlFragment counter(PlannedTable table) {
        return job.ledger()
                .counter(
                        job.task().jobId(),
                        JdbcSoftDeletionLedger.Phase.SOFT,
                        table.table().qualified(),
                        job.now());
    }

    /**
     * Chunks of the listed keys, lowest id first, until none is left. A listed row that no longer holds the value the
     * job wrote (the service changed it since) is struck from the list and counted as left.
     */
    private void show(PlannedTable table) throws SQLException {
        List<String> key = plan.primaryKey(table.table());
        String name = table.table().qualified();
        while (true) {
            job.lock();
            List<Long> ids =
                    job.ledger().listedRows(job.connection(), job.task().jobId(), name, settings.chunkSize());
            if (ids.isEmpty()) {
                job.commit();
                return;
            }
            Array listed = job.connection().createArrayOf("bigint", ids.toArray());
            long shown = rows.restoreChunk(table, key, job.task().jobId(), listed, column);
            job.ledger().unlist(job.connection(), job.task().jobId(), listed);
            job.ledger()
                    .addCount(
                            job.connection(),
                            job.task().jobId(),
                            JdbcSoftDeletionLedger.Phase.RESTORE,
                            name,
                            shown,
                            ids.size() - shown,
                            job.now());
            job.commit();
        }
    }

    private DeletionResult.Failed refuseSoftDelete(JdbcSoftDeletionLedger.Claim claim) {
        JdbcSoftDeletionLedger.Entry entry = claim.entry();
        if (!entry.tenantId().equals(job.task().tenantId())) {
            return failed(
                    DeletionResult.Failed.JOB_TENANT_MISMATCH,
                    "the job belongs to the deletion of another tenant; nothing hidden",
                    null,
                    false);
        }
        if (entry.state() == JdbcSoftDeletionLedger.State.RESTORING
                || entry.state() == JdbcSoftDeletionLedger.State.RESTORED) {
            return failed(
                    DeletionResult.Failed.ALREADY_RESTORED, "the job was restored; nothing hidden again", null, false);
        }
        if (claim.hardDeleteStarted()) {
            return failed(
                    DeletionResult.Failed.ALREADY_HARD_DELETED,
                    "its hard delete has started; nothing to hide",
                    null,
                    false);
        }
        return null;
    }

    private DeletionResult.Completed completed(
            JdbcSoftDeletionLedger.Entry entry, JdbcSoftDeletionLedger.Phase phase, boolean replayed)
            throws SQLException {
        return completed(entry, job.ledger().counts(job.connection(), job.task().jobId(), phase), replayed);
    }

    /** The phase's outcome with its counts ({@code tables}). */
    private DeletionResult.Completed completed(
            JdbcSoftDeletionLedger.Entry entry, List<TableResult> tables, boolean replayed) {
        DeletionTask task = job.task();
        return new DeletionResult.Completed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                tables,
                tables.stream().mapToLong(TableResult::rowsRemaining).sum(),
                entry.startedAt(),
                job.now(),
                replayed);
    }

    private DeletionResult recordAndCommit(OutcomeRecorder recorder, DeletionResult.Completed result)
            throws SQLException {
        try {
            recorder.record(job.connection(), result);
        } catch (SQLException | RuntimeException e) {
            job.rollback();
            return SqlFailures.outcomeNotRecorded(job.task(), e, job.now());
        }
        job.commit();
        return result;
    }

    private DeletionResult.Failed failed(String code, String detail, String table, boolean retryable) {
        DeletionTask task = job.task();
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                code,
                "job %s tenant %s: %s".formatted(task.jobId(), task.tenantId(), detail),
                table,
                retryable,
                job.now());
    }

    /** The tenant has materially more rows than the approved preview: permanent, nothing was changed. */
    static DeletionResult.Failed drift(DeletionTask task, List<String> exceeded, Instant at) {
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.PREVIEW_DRIFT,
                "job %s tenant %s: more rows than the approved preview, nothing changed; approve a new preview: %s"
                        .formatted(task.jobId(), task.tenantId(), String.join("; ", exceeded)),
                null,
                false,
                at);
    }

    /** A hard delete of a job that was not soft-deleted here: permanent, nothing was deleted. */
    static DeletionResult.Failed notSoftDeleted(DeletionTask task, JdbcSoftDeletionLedger.State state, Instant at) {
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.NOT_SOFT_DELETED,
                ("job %s tenant %s: hard deletion refused, the tenant's soft delete did not complete here (%s);"
                                + " nothing deleted")
                        .formatted(
                                task.jobId(),
                                task.tenantId(),
                                state == null ? "never soft-deleted" : "soft deletion " + state),
                null,
                false,
                at);
    }
}
