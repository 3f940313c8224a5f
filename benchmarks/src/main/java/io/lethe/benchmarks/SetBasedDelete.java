package io.lethe.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The limit to measure against: the best hand-written set-based SQL for the same deletion, children first, one
 * {@code DELETE ... WHERE tenant_id = ?} (or its join through the parent, for the two tables without a tenant column)
 * and one transaction per table.
 */
final class SetBasedDelete {

    private static final List<String> STATEMENTS = List.of(
            "delete from attachment_versions v using attachments a"
                    + " where a.id = v.attachment_id and a.tenant_id = ?::uuid",
            "delete from comments c using tasks t where t.id = c.task_id and t.tenant_id = ?::uuid",
            "delete from attachments where tenant_id = ?::uuid",
            "delete from tasks where tenant_id = ?::uuid",
            "delete from projects where tenant_id = ?::uuid",
            "delete from accounts where tenant_id = ?::uuid");

    private SetBasedDelete() {}

    /** {@return the rows deleted} */
    static long delete(DataSource dataSource, String tenantId) throws SQLException {
        long deleted = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (String sql : STATEMENTS) {
                long started = System.nanoTime();
                long rows;
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, tenantId);
                    rows = statement.executeUpdate();
                }
                connection.commit();
                deleted += rows;
                Benchmarks.progress(
                        "    set-based: %,d rows in %.2f s: %s", rows, (System.nanoTime() - started) / 1e9, sql);
            }
        }
        return deleted;
    }
}
