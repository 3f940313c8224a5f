package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planned tables a soft delete hides rows of: those with the soft-delete column, of a timestamp type, and a
 * primary key (the key of each hidden row is listed so that a restore brings back exactly those rows). Read from the
 * catalog once.
 */
final class SoftDeletableTables {

    private static final Logger log = LoggerFactory.getLogger(SoftDeletableTables.class);

    private static final Set<String> TIMESTAMP_TYPES =
            Set.of("timestamp with time zone", "timestamp without time zone");

    private SoftDeletableTables() {}

    /**
     * @throws IllegalStateException if a planned table has the column with another type: hiding it by a value that a
     *     restore could not tell apart from the service's own would not be exact
     */
    static List<PlannedTable> read(Connection connection, DeletionPlan plan, String column) throws SQLException {
        List<PlannedTable> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM"
                + " pg_catalog.pg_attribute WHERE attrelid = CAST(? AS regclass) AND attname = ? AND NOT attisdropped"
                + " AND attnum > 0")) {
            for (PlannedTable table : plan.tables()) {
                statement.setString(1, table.table().quoted("\""));
                statement.setString(2, column);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        continue;
                    }
                    String type = rows.getString(1).replaceAll("\\(\\d+\\)", "");
                    if (!TIMESTAMP_TYPES.contains(type)) {
                        throw new IllegalStateException("table " + table.table() + ": soft-delete column " + column
                                + " is " + type + "; it must be timestamp or timestamptz");
                    }
                    if (plan.primaryKey(table.table()).isEmpty()) {
                        log.warn(
                                "table {} has soft-delete column {} but no primary key: a soft delete cannot list its"
                                        + " rows for an exact restore, so it leaves them visible (the tenant fence still"
                                        + " applies)",
                                table.table(),
                                column);
                    } else {
                        tables.add(table);
                    }
                }
            }
        }
        return List.copyOf(tables);
    }
}
