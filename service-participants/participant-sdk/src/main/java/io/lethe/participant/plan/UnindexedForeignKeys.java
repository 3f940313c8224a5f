package io.lethe.participant.plan;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plan's foreign keys that no index supports. Deleting a parent row makes PostgreSQL look for its children through
 * each foreign key, and the plan selects dependent tables' rows through their keys; without an index whose leading
 * columns are the key's columns, each of those lookups scans the child table, and a tenant's delete becomes tens of
 * times slower. The participant reports them at start-up, with the {@code CREATE INDEX} that fixes each.
 */
public final class UnindexedForeignKeys {

    /**
     * A foreign key without a supporting index.
     *
     * @param foreignKey the key
     * @param createIndex the statement that adds an index for it without blocking writes
     */
    public record Finding(ForeignKey foreignKey, String createIndex) {

        /** {@return a line for the start-up log} */
        public String describe() {
            return "foreign key " + foreignKey.describe() + " has no index on " + foreignKey.child() + "("
                    + String.join(", ", foreignKey.childColumns()) + "): deleting a tenant scans "
                    + foreignKey.child() + " for every deleted " + foreignKey.parent() + " row; fix: " + createIndex;
        }
    }

    private UnindexedForeignKeys() {}

    /**
     * @param connection an open connection; it is neither closed nor otherwise changed
     * @param plan the plan whose foreign keys ({@link DeletionPlan#references()}) to check
     * @return the keys without a supporting index, in the plan's order
     * @throws SchemaReadException if the index metadata cannot be read
     */
    public static List<Finding> of(Connection connection, DeletionPlan plan) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            Map<TableName, List<List<String>>> indexes = new HashMap<>();
            List<Finding> findings = new ArrayList<>();
            for (ForeignKey key : plan.references()) {
                List<List<String>> childIndexes = indexes.get(key.child());
                if (childIndexes == null) {
                    childIndexes = indexes(connection, metaData, key.child());
                    indexes.put(key.child(), childIndexes);
                }
                if (childIndexes.stream().noneMatch(index -> supports(index, key.childColumns()))) {
                    findings.add(new Finding(key, createIndex(key)));
                }
            }
            return findings;
        } catch (SQLException e) {
            throw new SchemaReadException("cannot read the indexes of the plan's tables", e);
        }
    }

    /** An index supports a lookup by the key when its leading columns are the key's columns, in any order. */
    static boolean supports(List<String> index, List<String> keyColumns) {
        return index.size() >= keyColumns.size()
                && new HashSet<>(index.subList(0, keyColumns.size())).equals(Set.copyOf(keyColumns));
    }

    /**
     * {@return each index of the table that can serve a lookup (the primary key's included) as its key columns in
     * order; an expression ends the columns an index can serve}
     */
    private static List<List<String>> indexes(Connection connection, DatabaseMetaData metaData, TableName table)
            throws SQLException {
        if ("PostgreSQL".equals(metaData.getDatabaseProductName())) {
            return postgresIndexes(connection, table);
        }
        Map<String, Map<Short, String>> columnsByIndex = new TreeMap<>();
        try (ResultSet rows = metaData.getIndexInfo(null, table.schema(), table.name(), false, true)) {
            while (rows.next()) {
                String index = rows.getString("INDEX_NAME");
                String column = rows.getString("COLUMN_NAME");
                if (index == null
                        || rows.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic
                        || rows.getString("FILTER_CONDITION") != null) {
                    continue;
                }
                columnsByIndex
                        .computeIfAbsent(index, name -> new TreeMap<>())
                        .put(rows.getShort("ORDINAL_POSITION"), column == null ? "" : column);
            }
        }
        return columnsByIndex.values().stream()
                .map(columns -> List.copyOf(columns.values()))
                .toList();
    }

    /**
     * PostgreSQL's own catalog, because its driver's {@code getIndexInfo} also lists what cannot serve the foreign key
     * check: partial indexes, invalid ones (a failed {@code CREATE INDEX CONCURRENTLY} leaves one), and columns merely
     * {@code INCLUDE}d. Only valid, ready, non-partial btree indexes count, with their key columns.
     */
    private static List<List<String>> postgresIndexes(Connection connection, TableName table) throws SQLException {
        String sql =
                """
                SELECT array(SELECT coalesce(a.attname, '')
                             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                             WHERE k.n <= i.indnkeyatts
                             ORDER BY k.n)
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
                JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
                JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_catalog.pg_am am ON am.oid = ic.relam
                WHERE ns.nspname = ? AND c.relname = ? AND i.indisvalid AND i.indisready AND i.indpred IS NULL
                  AND am.amname = 'btree'
                """;
        List<List<String>> indexes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    indexes.add(List.of((String[]) rows.getArray(1).getArray()));
                }
            }
        }
        return indexes;
    }

    /**
     * {@return the statement that adds the index without blocking writes} PostgreSQL names it, so it never collides
     * with an existing object; every identifier is quoted, so a table called {@code order} works too.
     */
    static String createIndex(ForeignKey key) {
        return "CREATE INDEX CONCURRENTLY ON " + quote(key.child().schema()) + "."
                + quote(key.child().name()) + " ("
                + String.join(
                        ", ",
                        key.childColumns().stream()
                                .map(UnindexedForeignKeys::quote)
                                .toList()) + ");";
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
