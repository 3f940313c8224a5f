package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;

/**
 * Translates SQL failures into {@link DeletionResult.Failed}, retryable or permanent by SQLState; a {@link
 * CrossTenantReferenceException} into a permanent {@code CROSS_TENANT_REFERENCE}.
 */
final class SqlFailures {

    /** PostgreSQL's SQLState of a foreign-key violation. */
    static final String FOREIGN_KEY_VIOLATION = "23503";

    /** Classes where a later attempt may succeed: connection (08), transaction rollback (40), resources (53). */
    private static final Set<String> RETRYABLE_CLASSES = Set.of("08", "40", "53");

    /**
     * Single states: a foreign-key violation (23503: the service inserted a child row of a row being deleted, after
     * the child table's pass; the next delivery deletes it first), lock not available (55P03), query cancelled, e.g.
     * by statement_timeout (57014), and the server shutting down or starting (57P01, 57P02, 57P03). A foreign key
     * that a plan can never satisfy (from a table the plan skips) fails the same way on every delivery and ends, after
     * the retries, in the dead-letter topic, where its message names the table.
     */
    private static final Set<String> RETRYABLE_STATES =
            Set.of(FOREIGN_KEY_VIOLATION, "55P03", "57014", "57P01", "57P02", "57P03");

    private SqlFailures() {}

    /**
     * @param table the table being processed, or {@code null}
     * @return the failure, {@code SQL_ERROR}, retryable by SQLState; the message names job, tenant, table and SQLState
     */
    static DeletionResult.Failed failed(DeletionTask task, TableName table, SQLException e, Instant at) {
        if (e instanceof CrossTenantReferenceException crossTenant) {
            return crossTenantReference(task, crossTenant, at);
        }
        String place = table == null ? "" : "table " + table.qualified() + ": ";
        String message = String.format(
                "job %s tenant %s: %sSQLState %s: %s",
                task.jobId(), task.tenantId(), place, e.getSQLState(), summary(e));
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.SQL_ERROR,
                message,
                table == null ? null : table.qualified(),
                isRetryable(e.getSQLState()),
                at);
    }

    /**
     * Permanent: the rows link this tenant's data with another's, and the next attempt finds them again. A person must
     * decide whose rows they are.
     */
    private static DeletionResult.Failed crossTenantReference(
            DeletionTask task, CrossTenantReferenceException e, Instant at) {
        String message = String.format(
                "job %s tenant %s: table %s has %d rows that reference both this tenant's rows and rows outside it",
                task.jobId(), task.tenantId(), e.table().qualified(), e.rows());
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.CROSS_TENANT_REFERENCE,
                message,
                e.table().qualified(),
                false,
                at);
    }

    /**
     * Retryable whatever the cause: the tenant's rows are gone and only the outcome is missing, so the next delivery
     * has nothing to do but complete and record it; if the recorder keeps failing, the retries end in the dead-letter
     * topic, whence the job can be replayed once the cause is removed.
     */
    static DeletionResult.Failed outcomeNotRecorded(DeletionTask task, Exception e, Instant at) {
        String cause = e instanceof SQLException sql
                ? "SQLState " + sql.getSQLState() + ": " + summary(e)
                : e.getClass().getSimpleName() + ": " + summary(e);
        String message = String.format(
                "job %s tenant %s: the outcome could not be recorded, the job stays incomplete: %s",
                task.jobId(), task.tenantId(), cause);
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.OUTCOME_NOT_RECORDED,
                message,
                null,
                true,
                at);
    }

    static boolean isRetryable(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return RETRYABLE_CLASSES.contains(sqlState.substring(0, 2)) || RETRYABLE_STATES.contains(sqlState);
    }

    /**
     * The first line of the driver's message only: PostgreSQL's following lines ({@code Detail: Key (id)=(42) ...})
     * can quote row values, which must not leave the participant.
     */
    static String summary(Exception exception) {
        String message = exception.getMessage();
        if (message == null) {
            return exception.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
