package io.lethe.participant.delete;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link TenantDeleter#delete(DeletionTask)}: {@link Completed} or {@link Failed}, never an exception.
 */
public sealed interface DeletionResult permits DeletionResult.Completed, DeletionResult.Failed {

    /** {@return the job id of the task} */
    String jobId();

    /** {@return the tenant id of the task} */
    String tenantId();

    /** {@return the attempt of the task (for a replay, the attempt that completed the job)} */
    int attempt();

    /**
     * The tenant's rows are gone and the ledger says so. The counts are the job's, over every delivery that deleted
     * chunks of it (an interrupted one and the one that resumed it): each row deleted is counted exactly once.
     *
     * @param jobId the job id
     * @param tenantId the tenant id
     * @param attempt the attempt that completed the job
     * @param tables one result per planned table, in deletion order
     * @param rowsRemaining the tenant's rows left over all tables (0)
     * @param startedAt when the job's first delivery started deleting
     * @param finishedAt when the job completed
     * @param replayed {@code true} if this delivery found the job already completed and deleted nothing
     * @param notFound a scoped task's ids that name no row of its table; left alone
     * @param otherTenant a scoped task's ids that name another tenant's rows; left alone
     */
    record Completed(
            String jobId,
            String tenantId,
            int attempt,
            List<TableResult> tables,
            long rowsRemaining,
            Instant startedAt,
            Instant finishedAt,
            boolean replayed,
            List<String> notFound,
            List<String> otherTenant)
            implements DeletionResult {

        public Completed {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(tenantId, "tenantId");
            tables = List.copyOf(tables);
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(finishedAt, "finishedAt");
            notFound = List.copyOf(notFound);
            otherTenant = List.copyOf(otherTenant);
        }

        /** A result of a task for the whole tenant (or a scope whose every id named one of the tenant's rows). */
        public Completed(
                String jobId,
                String tenantId,
                int attempt,
                List<TableResult> tables,
                long rowsRemaining,
                Instant startedAt,
                Instant finishedAt,
                boolean replayed) {
            this(
                    jobId,
                    tenantId,
                    attempt,
                    tables,
                    rowsRemaining,
                    startedAt,
                    finishedAt,
                    replayed,
                    List.of(),
                    List.of());
        }

        /** {@return this result with what the scope check found} */
        Completed with(ScopeCheck check) {
            return new Completed(
                    jobId,
                    tenantId,
                    attempt,
                    tables,
                    rowsRemaining,
                    startedAt,
                    finishedAt,
                    replayed,
                    check.notFound(),
                    check.otherTenant());
        }

        /** {@return the rows deleted over all tables} */
        public long rowsDeleted() {
            return tables.stream().mapToLong(TableResult::rowsDeleted).sum();
        }
    }

    /**
     * The deletion stopped. The transaction that failed was rolled back; chunks committed before it stay deleted and
     * are counted when the job is resumed by another delivery (any attempt number) of the same job id.
     *
     * @param jobId the job id
     * @param tenantId the tenant id
     * @param attempt the attempt
     * @param errorCode {@link #SQL_ERROR}, {@link #VERIFICATION_FAILED}, {@link #INVALID_TENANT_ID}, {@link
     *     #CROSS_TENANT_REFERENCE}, {@link #JOB_TENANT_MISMATCH}, {@link #OUTCOME_NOT_RECORDED}, {@link
     *     #PREVIEW_DRIFT}, {@link #NOT_SOFT_DELETED}, {@link #ALREADY_HARD_DELETED}, {@link #ALREADY_RESTORED}
     * @param message what happened, with job, tenant and table; never row contents
     * @param table the qualified name of the table being processed, or {@code null} if none
     * @param retryable whether trying again may succeed (lost connection, deadlock, lock timeout, a concurrently
     *     inserted child row...)
     * @param at when the failure was detected
     */
    record Failed(
            String jobId,
            String tenantId,
            int attempt,
            String errorCode,
            String message,
            String table,
            boolean retryable,
            Instant at)
            implements DeletionResult {

        /** A statement failed; the message carries the SQLState. */
        public static final String SQL_ERROR = "SQL_ERROR";
        /** Rows of the tenant were still there after the deletes. */
        public static final String VERIFICATION_FAILED = "VERIFICATION_FAILED";
        /** The tenant id cannot be converted to a tenant column's type. */
        public static final String INVALID_TENANT_ID = "INVALID_TENANT_ID";
        /**
         * Rows selected for the tenant also reference rows outside it (another tenant's); found before anything is
         * deleted, so nothing was.
         */
        public static final String CROSS_TENANT_REFERENCE = "CROSS_TENANT_REFERENCE";

        /** The job id belongs to a deletion of another tenant; nothing was deleted. */
        public static final String JOB_TENANT_MISMATCH = "JOB_TENANT_MISMATCH";

        /**
         * The tenant's rows are gone but the {@link OutcomeRecorder} failed, so the job was not marked completed;
         * retryable: the next delivery completes and records it.
         */
        public static final String OUTCOME_NOT_RECORDED = "OUTCOME_NOT_RECORDED";

        /**
         * The tenant has materially more rows than the approved preview; nothing was changed, and the job must be
         * approved again on a new preview.
         */
        public static final String PREVIEW_DRIFT = "PREVIEW_DRIFT";

        /** A hard delete of a job whose soft delete did not complete here; nothing was deleted. */
        public static final String NOT_SOFT_DELETED = "NOT_SOFT_DELETED";

        /** A restore or soft delete of a job whose hard delete started here; nothing was changed. */
        public static final String ALREADY_HARD_DELETED = "ALREADY_HARD_DELETED";

        /** A soft delete of a job that was restored; nothing was changed. */
        public static final String ALREADY_RESTORED = "ALREADY_RESTORED";

        /**
         * A {@link DeletionStep} threw (or returned a negative count); retryable: what it and the tables before it did
         * stays done, and the next delivery resumes. {@code table} is the step's reported name, {@code step:<name>}.
         */
        public static final String STEP_FAILED = "STEP_FAILED";

        /**
         * The scope names a table this participant does not plan, or one whose entities it cannot list (no one-column
         * primary key); permanent, nothing was changed.
         */
        public static final String INVALID_SCOPE = "INVALID_SCOPE";

        public Failed {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(at, "at");
        }
    }
}
