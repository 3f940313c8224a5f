package io.lethe.faults;

import io.lethe.participant.plan.LetheTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * What a participant has committed for a job, read from its own database: where a fault landed (how far the chunks
 * had come, whether the outcome waits in the outbox) is known from there, not from timing.
 */
final class ParticipantLedger {

    private final DataSource dataSource;

    ParticipantLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows of all tables the job's committed chunks deleted so far; 0 before its first chunk. */
    long rowsDeleted(String jobId) {
        return number(
                "select coalesce(sum(rows_deleted), 0) from " + LetheTables.PROGRESS + " where job_id = ?", jobId);
    }

    /**
     * {@code DELETING}, {@code COMPLETED}, or {@code null} while the participant has not claimed the job or its claim
     * has not committed (a small tenant's claim commits with its completion).
     */
    String state(String jobId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("select state from " + LetheTables.LEDGER + " where job_id = ?")) {
            query.setString(1, jobId);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null; // the participant has not created its ledger yet
            }
            throw new IllegalStateException("cannot read the ledger for job " + jobId, e);
        }
    }

    /** Outcomes committed but not sent yet. */
    long outboxRows() {
        return number("select count(*) from " + LetheTables.OUTBOX, null);
    }

    private long number(String sql, String jobId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            if (jobId != null) {
                query.setString(1, jobId);
            }
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the participant's ledger: " + e.getMessage(), e);
        }
    }
}
