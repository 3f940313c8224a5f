package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link TenantDeleter#delete} call's transactions on its connection: claim, the tables' passes, completion (see
 * {@link TenantDeleter} for the algorithm). A {@link SQLException} leaves the current transaction for the caller to
 * roll back; what was committed before stays, for the next delivery to resume.
 */
final class DeletionRun {

    private static final Logger log = LoggerFactory.getLogger(DeletionRun.class);

    private final JobLedger job;
    private final TenantRows rows;
    private final DeletionPlan plan;
    private final DeletionSettings settings;
    private final OutcomeRecorder recorder;
    private final DeletionSteps steps;
    private final TablePolicies policies;
    private final CarriedTables carried;
    private final HardDeleteGuard guard;

    DeletionRun(
            JobLedger job,
            TenantRows rows,
            DeletionPlan plan,
            DeletionSettings settings,
            OutcomeRecorder recorder,
            DeletionSteps steps,
            TablePolicies policies,
            CarriedTables carried,
            HardDeleteGuard guard) {
        this.guard = guard;
        this.policies = policies;
        this.carried = carried;
        this.job = job;
        this.rows = rows;
        this.plan = plan;
        this.settings = settings;
        this.recorder = recorder;
        this.steps = steps;
    }

    DeletionResult run(Instant startedAt) throws SQLException {
        JdbcDeletionLedger.Entry entry = job.claim(startedAt);
        if (!entry.tenantId().equals(job.task().tenantId())) {
            job.rollback();
            return tenantMismatch();
        }
        if (entry.state() == JdbcDeletionLedger.State.COMPLETED) {
            return replay();
        }
        DeletionResult.Failed refused = guard.refusal(job.connection(), job.task());
        if (refused != null) {
            job.rollback();
            return refused;
        }
        job.startProgress(steps.names(rows.tables()));
        // Before anything is deleted: a resumed job keeps what its first delivery found.
        ScopeCheck check = job.recordScopeCheck(rows.checkScope());
        rows.requireNoCrossTenantReferences();
        long detached = rows.nullOut();
        if (steps.before().isEmpty()) {
            // The start (claim, progress rows, scope check, detached cycles) is held with the job's row locked, as a
            // small chunk is: a small tenant's start commits with its tables and completion, or rolls back with them.
            job.commitOrHold(detached, settings.chunkSize());
        } else {
            // A step acts outside this transaction: what it relies on commits first.
            job.commit();
        }
        DeletionResult stopped = runSteps(steps.before());
        if (stopped != null) {
            return stopped;
        }
        TableDeletion tables = new TableDeletion(job, rows, settings, carried);
        for (PlannedTable table : rows.tables()) {
            TablePolicy.Kind policy = policies.kindOf(table.table());
            if (policy == TablePolicy.Kind.RETAIN || carried.isCarried(table.table())) {
                continue;
            }
            if (policy == TablePolicy.Kind.ANONYMIZE) {
                if (job.lock().state() == JdbcDeletionLedger.State.COMPLETED) {
                    job.rollback();
                    return replay();
                }
                long anonymized = rows.anonymize(table);
                long total = job.addProgress(table.table(), anonymized);
                job.commit();
                log.info(
                        "Job {} (attempt {}): tenant {}: table {} anonymized, {} rows by this delivery ({} by the job)",
                        job.task().jobId(),
                        job.task().attempt(),
                        job.task().tenantId(),
                        table.table(),
                        anonymized,
                        total);
                continue;
            }
            TableDeletion.Outcome deleted;
            try {
                deleted = tables.delete(table, plan.chunkKey(table.table()));
            } catch (SQLException e) {
                return carriedSurvivors(table, e);
            }
            if (deleted == TableDeletion.Outcome.JOB_COMPLETED) {
                return replay();
            }
            // Counted now, while the parents that select its rows still exist: survivors (a trigger that skipped
            // them, a row inserted after the last pass) are reported by this table, not by a parent's failing delete.
            // A last pass that found none of its rows was that count already.
            if (table.kind() == PlannedTable.Kind.DEPENDENT && deleted != TableDeletion.Outcome.EMPTIED) {
                long remaining = rows.count(table);
                job.commit();
                if (remaining > 0) {
                    return verificationFailed(new TableResult(table.table().qualified(), 0, remaining));
                }
            }
        }
        if (!steps.after().isEmpty()) {
            // A step acts outside this transaction (files, another system): the tables' deletes commit first.
            job.commit();
        }
        stopped = runSteps(steps.after());
        return stopped != null ? stopped : complete(check);
    }

    /**
     * A table's chunk failed. If a foreign key stopped it and the rows of a table it carries survived their delete (a
     * trigger that skipped them), that table is reported as a DEPENDENT table's survivors are, by its name and count:
     * the chunk was rolled back, and the carried tables are counted in a transaction of their own. Anything else is
     * thrown again.
     */
    private DeletionResult carriedSurvivors(PlannedTable table, SQLException failure) throws SQLException {
        List<CarriedTables.Carried> group = carried.carriedBy(table.table());
        if (group.isEmpty() || !SqlFailures.FOREIGN_KEY_VIOLATION.equals(failure.getSQLState())) {
            throw failure;
        }
        job.rollback();
        for (CarriedTables.Carried dependants : group) {
            long remaining = rows.count(dependants.table());
            if (remaining > 0) {
                job.rollback();
                // The key the database names may be another table's reference to the chunk's rows, not the carried
                // rows': the operator reads which here (its first line names tables and the key, never a row).
                log.warn(
                        "Job {}: a chunk of {} was refused by a foreign key: {}; reported as the {} rows of {} that"
                                + " remain",
                        job.task().jobId(),
                        table.table(),
                        SqlFailures.summary(failure),
                        remaining,
                        dependants.table().table());
                return verificationFailed(
                        new TableResult(dependants.table().table().qualified(), 0, remaining));
            }
        }
        job.rollback();
        rows.failedAt(table.table());
        throw failure;
    }

    /**
     * Deletes each step's items, each call under the job's lock with its count committed after it.
     *
     * @return {@code null} to go on, or the result that ends the run: a replay if another delivery completed the job,
     *     a failure if a step threw
     */
    private DeletionResult runSteps(List<DeletionStep> toRun) throws SQLException {
        for (DeletionStep step : toRun) {
            if (job.lock().state() == JdbcDeletionLedger.State.COMPLETED) {
                job.rollback();
                return replay();
            }
            long deleted;
            try {
                deleted = DeletionSteps.call(step, "delete", () -> step.delete(job.task()));
            } catch (DeletionSteps.StepException e) {
                job.rollback();
                return e.failed(job.task(), job.now());
            }
            long total = job.addProgress(DeletionSteps.reportedName(step), deleted);
            job.commit();
            log.info(
                    "Job {} (attempt {}): tenant {}: step {} done, {} items deleted by this delivery ({} by the job)",
                    job.task().jobId(),
                    job.task().attempt(),
                    job.task().tenantId(),
                    step.name(),
                    deleted,
                    total);
        }
        return null;
    }

    /**
     * The final transaction: counts every planned table, then marks the job completed with the progress rows' counts
     * and records the outcome, all in one commit.
     */
    private DeletionResult complete(ScopeCheck check) throws SQLException {
        JdbcDeletionLedger.Entry entry = job.lock();
        if (entry.state() == JdbcDeletionLedger.State.COMPLETED) {
            job.rollback();
            return replay();
        }
        // Every table counted in one statement: what is left of the deleted ones, what still holds original values
        // of the anonymized ones, what the retained ones keep.
        List<SqlFragment> queries = new ArrayList<>();
        for (PlannedTable table : rows.tables()) {
            queries.add(
                    policies.kindOf(table.table()) == TablePolicy.Kind.ANONYMIZE
                            ? rows.notAnonymizedOf(table)
                            : rows.countOf(table));
        }
        long[] counts = rows.countTogether(queries);
        Map<String, Long> retained = new HashMap<>();
        for (int i = 0; i < counts.length; i++) {
            PlannedTable table = rows.tables().get(i);
            if (policies.kindOf(table.table()) == TablePolicy.Kind.RETAIN) {
                retained.put(table.table().qualified(), counts[i]);
            } else if (counts[i] > 0) {
                // The chunks held open in this transaction stay deleted, as committed chunks do.
                job.commit();
                return verificationFailed(new TableResult(table.table().qualified(), 0, counts[i]));
            }
        }
        for (DeletionStep step : steps.all()) {
            long remaining;
            try {
                remaining = DeletionSteps.call(step, "count", () -> step.count(job.task()));
            } catch (DeletionSteps.StepException e) {
                job.rollback();
                return e.failed(job.task(), job.now());
            }
            if (remaining > 0) {
                job.commit();
                return verificationFailed(new TableResult(DeletionSteps.reportedName(step), 0, remaining));
            }
        }
        List<TableResult> tables = job.progress().stream()
                .map(progress -> byPolicy(progress, retained))
                .toList();
        Instant finishedAt = job.now();
        job.complete(tables, finishedAt);
        guard.completing(job.connection(), job.task());
        DeletionTask task = job.task();
        return recordAndCommit(new DeletionResult.Completed(
                        task.jobId(), task.tenantId(), task.attempt(), tables, 0, entry.startedAt(), finishedAt, false)
                .with(check));
    }

    /** A progress row as the result its table's policy reports: rows deleted, anonymized, or retained. */
    private TableResult byPolicy(TableResult progress, Map<String, Long> retained) {
        if (progress.table().startsWith(DeletionSteps.PREFIX)) {
            return progress;
        }
        TableName table = TableName.parse(progress.table());
        String reason = policies.reasonOf(table);
        return switch (policies.kindOf(table)) {
            case DELETE -> progress;
            case ANONYMIZE ->
                new TableResult(progress.table(), 0, 0, TablePolicy.Kind.ANONYMIZE, progress.rowsDeleted(), 0, reason);
            case RETAIN ->
                new TableResult(
                        progress.table(),
                        0,
                        0,
                        TablePolicy.Kind.RETAIN,
                        0,
                        retained.getOrDefault(progress.table(), 0L),
                        reason);
        };
    }

    /** The job was completed (by an earlier delivery, or a concurrent one): its recorded result, recorded again. */
    private DeletionResult replay() throws SQLException {
        return recordAndCommit(job.load());
    }

    private DeletionResult recordAndCommit(DeletionResult.Completed result) throws SQLException {
        try {
            recorder.record(job.connection(), result);
        } catch (SQLException | RuntimeException e) {
            job.rollback();
            // The failed result carries the exception's first line and is logged once by TenantDeleter.
            log.debug("Job {}: the outcome recorder failed", result.jobId(), e);
            return SqlFailures.outcomeNotRecorded(job.task(), e, job.now());
        }
        job.commit();
        return result;
    }

    /**
     * The job id belongs to another tenant's deletion: replaying or resuming it would report this tenant deleted
     * while its rows remain. Permanent: the same request fails the same way.
     */
    private DeletionResult.Failed tenantMismatch() {
        DeletionTask task = job.task();
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.JOB_TENANT_MISMATCH,
                "job %s belongs to the deletion of another tenant; nothing deleted for tenant %s"
                        .formatted(task.jobId(), task.tenantId()),
                null,
                false,
                job.now());
    }

    /**
     * Retryable: rows left after the passes were most likely inserted by the service meanwhile; the next delivery
     * resumes the job and deletes them too.
     */
    private DeletionResult.Failed verificationFailed(TableResult left) {
        DeletionTask task = job.task();
        String message = String.format(
                left.table().startsWith(DeletionSteps.PREFIX)
                        ? "job %s tenant %s: %s still has %d items"
                        : "job %s tenant %s: table %s still has %d rows",
                task.jobId(),
                task.tenantId(),
                left.table(),
                left.rowsRemaining());
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.VERIFICATION_FAILED,
                message,
                left.table(),
                true,
                job.now());
    }
}
