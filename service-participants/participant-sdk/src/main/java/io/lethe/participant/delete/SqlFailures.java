package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;

/** Translates SQL failures into {@link DeletionResult.Failed}, retryable or permanent by SQLState. */
final class SqlFailures {

    /** Classes where a later attempt may succeed: connection (08), transaction rollback (40), resources (53). */
    private static final Set<String> RETRYABLE_CLASSES = Set.of("08", "40", "53");

    /**
     * Single states: lock not available (55P03), query cancelled, e.g. by statement_timeout (57014), and the server
     * shutting down or starting (57P01, 57P02, 57P03).
     */
    private static final Set<String> RETRYABLE_STATES = Set.of("55P03", "57014", "57P01", "57P02", "57P03");

    private SqlFailures() {}

    /**
     * @param table the table being processed, or {@code null}
     * @return the failure, {@code SQL_ERROR}, retryable by SQLState; the message names job, tenant, table and SQLState
     */
    static DeletionResult.Failed failed(DeletionTask task, TableName table, SQLException e, Instant at) {
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
    static String summary(SQLException exception) {
        String message = exception.getMessage();
        if (message == null) {
            return exception.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
